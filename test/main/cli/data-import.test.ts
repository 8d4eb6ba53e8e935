// `pivot data import`: its report names the detected format and counts the blank lines it skipped (--json and text),
// and an import whose records are all already in the workspace files no new, empty dataset.
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { Workspace } from '../../../src-main/store/workspace';
import { pivotInProcess } from '../../helpers/pivot-in-process';
import { imageBytes, removeTempDirs, tempDir, writeBytes, writeJson, writeJsonl } from '../datasets/fixtures';

afterAll(removeTempDirs);
afterEach(() => vi.restoreAllMocks());

/** A TRL file of two pairs, a blank line between them and a trailing blank one, with its image. */
async function trlFile(dir: string, rel: string): Promise<string> {
  await writeBytes(dir, 'red.png', await imageBytes(4, 4));
  const pair = (n: number) => ({ images: ['red.png'], prompt: `What is ${n}?`, chosen: `${n}.`, rejected: `not ${n}.` });
  return writeJsonl(dir, rel, [pair(1), '', pair(2), '   ']);
}

describe('pivot data import', () => {
  it('reports the detected format and the blank lines skipped, in --json and in text', async () => {
    const dir = await tempDir();
    const file = await trlFile(dir, 'pairs.jsonl');
    const json = await pivotInProcess('data', 'import', file, '--workspace', join(dir, 'ws'), '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ format: 'trl', imported: 2, skipped: 0, blankLines: 2, rejected: [] });

    const again = await pivotInProcess('data', 'import', file, '--workspace', join(dir, 'ws'));
    expect(again.stdout).toBe('Imported 0 pairs (trl), skipped 2 already present, rejected 0; 2 blank lines ignored.\n');
  });

  it('reports the RLAIF-V format it detected in a JSON array, which has no blank lines to count', async () => {
    const dir = await tempDir();
    await writeBytes(dir, 'x.png', await imageBytes(4, 4));
    const file = await writeJson(dir, 'rlaif.json', [{ question: 'Q?', chosen: 'A', rejected: 'B', image: 'x.png' }]);
    const json = await pivotInProcess('data', 'import', file, '--workspace', join(dir, 'ws'), '--json');
    expect(JSON.parse(json.stdout)).toEqual({ format: 'rlaif-v', imported: 1, skipped: 0, blankLines: 0, rejected: [] });
  });

  it('files no new dataset when every record is already in the workspace', async () => {
    const dir = await tempDir();
    const first = await trlFile(dir, 'pairs.jsonl');
    const copy = await trlFile(dir, 'copy.jsonl');
    const ws = join(dir, 'ws');
    expect((await pivotInProcess('data', 'import', first, '--workspace', ws, '--dataset', 'original', '--json')).code).toBe(0);
    const dup = await pivotInProcess('data', 'import', copy, '--workspace', ws, '--dataset', 'copy', '--json');
    const workspace = Workspace.open(ws);
    expect(workspace.pairs.datasets().map((d) => [d.name, d.pairs])).toEqual([['original', 2]]);
    workspace.close();
    expect(JSON.parse(dup.stdout)).toEqual({ format: 'trl', imported: 0, skipped: 2, blankLines: 2, rejected: [] });
  });
});

describe('pivot data import keeps its report in the workspace', () => {
  it('records the import with its rejected records, for the window to show per dataset', async () => {
    const dir = await tempDir();
    await writeBytes(dir, 'red.png', await imageBytes(4, 4));
    const good = { images: ['red.png'], prompt: 'Q?', chosen: 'yes.', rejected: 'no.' };
    const file = await writeJsonl(dir, 'pairs.jsonl', [good, '', { images: ['red.png'], prompt: 'Q?', chosen: '', rejected: 'no.' }, 'not json']);
    const ws = join(dir, 'ws');
    const out = await pivotInProcess('data', 'import', file, '--workspace', ws, '--dataset', 'mine', '--json');
    expect(out.code).toBe(0);
    const report = JSON.parse(out.stdout) as { rejected: Array<{ line: number; reason: string }> };
    expect(report.rejected.map((r) => r.line)).toEqual([3, 4]);

    const workspace = Workspace.open(ws);
    const [entry, ...rest] = workspace.imports.list('mine');
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({ dataset: 'mine', file, format: 'trl', imported: 1, skipped: 0, blankLines: 1, rejected: 2 });
    expect(workspace.imports.rejections(entry!.id)).toEqual(report.rejected);
    workspace.close();
  });
});

describe('pivot data imports', () => {
  it("lists the import history and prints one import's rejected records as JSONL", async () => {
    const dir = await tempDir();
    await writeBytes(dir, 'red.png', await imageBytes(4, 4));
    const file = await writeJsonl(dir, 'pairs.jsonl', [{ images: ['red.png'], prompt: 'Q?', chosen: 'yes.', rejected: 'no.' }, 'not json']);
    const ws = join(dir, 'ws');
    await pivotInProcess('data', 'import', file, '--workspace', ws, '--dataset', 'mine', '--json');

    const listed = await pivotInProcess('data', 'imports', '--workspace', ws, '--dataset', 'mine', '--json');
    expect(listed.code).toBe(0);
    const [entry] = JSON.parse(listed.stdout) as Array<{ id: number; imported: number; rejected: number }>;
    expect(entry).toMatchObject({ imported: 1, rejected: 1 });
    const rejected = await pivotInProcess('data', 'imports', '--workspace', ws, '--rejected', String(entry!.id));
    expect(rejected.stdout.trim().split('\n').map((l) => JSON.parse(l) as { line: number })).toEqual([
      { line: 2, reason: expect.any(String) as string },
    ]);
    const missing = await pivotInProcess('data', 'imports', '--workspace', ws, '--rejected', '99');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('No import with id 99 in this workspace.');
  });
});
