// A --json command that fails prints one JSON error object on stdout (its message still on stderr), and a reader
// that closes stdout early (`pivot … --json | head`) ends the command quietly, without a stack trace.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { pivotInProcess } from '../../helpers/pivot-in-process';
import { tempDir } from '../../helpers/workspace';
import { startPivot } from './run-pivot';

const root = tempDir('pivot-json-errors-');
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

describe('--json failures', () => {
  it('prints one error object with the code, message and details on stdout, and the message on stderr', async () => {
    const missing = join(root, 'nowhere', 'pairs.jsonl');
    const result = await pivotInProcess('data', 'import', missing, '--workspace', join(root, 'ws'), '--json');
    const message = `Dataset file "${missing}" does not exist; check the path.`;
    expect(result.code).toBe(65);
    expect(JSON.parse(result.stdout)).toEqual({ error: { code: 'FILE_UNREADABLE', message } });
    expect(result.stdout.endsWith('}\n')).toBe(true);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toBe(`pivot: ${message}\n`);

    const out = join(root, 'no-folder', 'x.jsonl');
    const refused = await pivotInProcess('data', 'export', '--workspace', join(root, 'ws'), '--out', out, '--json');
    expect(JSON.parse(refused.stdout)).toEqual({
      error: {
        code: 'INVALID_REQUEST',
        message: `The folder "${join(root, 'no-folder')}" does not exist: create it first, or choose another output file.`,
        details: { folder: join(root, 'no-folder') },
      },
    });
  });

  it('prints a usage mistake as an INVALID_REQUEST object too', async () => {
    const result = await pivotInProcess('data', 'export', '--workspace', root, '--json');
    expect(result.code).toBe(64);
    expect(JSON.parse(result.stdout)).toEqual({ error: { code: 'INVALID_REQUEST', message: "required option '--out <file>' not specified" } });
  });

  it('prints nothing more without --json', async () => {
    const result = await pivotInProcess('data', 'import', join(root, 'nope.jsonl'), '--workspace', join(root, 'ws'));
    expect(result.code).toBe(65);
    expect(result.stdout).toBe('');
  });
});

describe('a closed stdout', () => {
  it('ends the command quietly when the reader has gone (EPIPE)', async () => {
    const run = startPivot(['data', 'shapes', '--out', join(root, 'shapes'), '--count', '2', '--json']);
    run.child.stdout!.destroy();
    const result = await run.done;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  }, 60_000);
});
