// `pivot data export` as a user runs it: it never writes over the workspace's own files, never replaces an existing
// file without --force, and never makes the folder it writes into.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { WORKSPACE_DB } from '../../../src-main/store/workspace';
import { tempDir, workspaceWithPairs } from '../../helpers/workspace';
import { startPivot } from './run-pivot';

let workspace = '';

beforeAll(async () => {
  const ws = await workspaceWithPairs([{}, {}]);
  workspace = ws.dir;
  ws.close();
});

function exportTo(out: string, ...flags: string[]) {
  return startPivot(['data', 'export', '--workspace', workspace, '--out', out, '--status', 'pending', ...flags]).done;
}

describe('pivot data export', () => {
  it("refuses to write over the workspace's database, even with --force, and leaves its bytes as they were", async () => {
    const db = join(workspace, WORKSPACE_DB);
    const before = readFileSync(db);
    const result = await exportTo(db, '--force');
    expect(result.code).toBe(64);
    expect(result.stderr).toContain(`pivot: Cannot export to "${db}": it is in the workspace's own folder`);
    expect(readFileSync(db).equals(before)).toBe(true);
  }, 60_000);

  it('refuses files inside the workspace (its images would land in its own images/) and a missing folder', async () => {
    mkdirSync(join(workspace, 'runs'), { recursive: true });
    const inRuns = await exportTo(join(workspace, 'runs', 'x.jsonl'));
    expect(inRuns.code).toBe(64);
    expect(inRuns.stderr).toContain("it is in the workspace's own folder");
    const missing = join(tempDir('pivot-data-export-'), 'not', 'there.jsonl');
    const result = await exportTo(missing);
    expect(result.code).toBe(64);
    expect(result.stderr).toContain(`pivot: The folder "${join(missing, '..')}" does not exist: create it first, or choose another output file.`);
    expect(existsSync(join(missing, '..'))).toBe(false);
  }, 60_000);

  it('refuses to replace an existing file without --force, and replaces it with --force', async () => {
    const folder = tempDir('pivot-data-export-');
    const out = join(folder, 'pairs.jsonl');
    writeFileSync(out, 'keep me\n');
    const refused = await exportTo(out);
    expect(refused.code).toBe(64);
    expect(refused.stderr).toContain(`pivot: "${out}" already exists: choose another file, or confirm replacing it (--force on the command line).`);
    expect(readFileSync(out, 'utf8')).toBe('keep me\n');

    const forced = await exportTo(out, '--force');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toBe(`Wrote 2 pairs and 2 images to ${out}\n`);
    expect(readFileSync(out, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
  }, 60_000);

  it('writes into a subfolder of the workspace the user made', async () => {
    mkdirSync(join(workspace, 'exports'));
    const out = join(workspace, 'exports', 'pending.jsonl');
    const result = await exportTo(out);
    expect(result.code).toBe(0);
    expect(readFileSync(out, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
  }, 60_000);
});
