// Processes racing on one workspace: twenty that create it at the same moment and file the same dataset all succeed
// (migrations run once, in one immediate transaction; writers wait for each other) and one dataset row results; in an
// existing workspace, twenty processes filing the same fifty names make fifty rows.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../../src-main/store/migrations';
import { Workspace } from '../../../src-main/store/workspace';
import { tempDir } from '../../helpers/workspace';

const CHILD = fileURLToPath(new URL('../../helpers/open-workspace-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** A child that opens `dir` and files `dataset` once `goFile` exists; `ready` resolves when it waits for it. */
function openAndFile(dir: string, dataset: string, goFile: string, count?: number): { ready: Promise<void>; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, dataset, goFile, ...(count === undefined ? [] : [String(count)])], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let isReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (isReady = resolve));
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (stdout.startsWith('ready\n')) isReady();
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => {
    isReady();
    resolve({ code, stdout: stdout.replace(/^ready\n/, ''), stderr });
  }));
  return { ready, done };
}

describe('one workspace opened by many processes at once', () => {
  it('creates the workspace and files one dataset for twenty processes started together', async () => {
    const dir = join(tempDir(), 'shared');
    const goFile = join(tempDir(), 'go');
    const children = Array.from({ length: 20 }, () => openAndFile(dir, 'shared-set', goFile));
    await Promise.all(children.map((c) => c.ready));
    writeFileSync(goFile, '');
    const results = await Promise.all(children.map((c) => c.done));
    expect(results.map((r) => r.stderr).filter((e) => e !== '')).toEqual([]);
    expect(results.map((r) => r.code)).toEqual(Array(20).fill(0));
    expect(new Set(results.map((r) => r.stdout.trim()))).toEqual(new Set(['1']));
    const ws = Workspace.open(dir);
    expect(ws.schemaVersion).toBe(SCHEMA_VERSION);
    expect(ws.db.prepare('SELECT id, name FROM datasets').all()).toEqual([{ id: 1, name: 'shared-set' }]);
    ws.close();
  }, 120_000);

  it('files each dataset name once when twenty processes file the same names in an existing workspace', async () => {
    const dir = tempDir();
    Workspace.open(dir).close();
    const goFile = join(tempDir(), 'go');
    const children = Array.from({ length: 20 }, () => openAndFile(dir, 'set', goFile, 50));
    await Promise.all(children.map((c) => c.ready));
    writeFileSync(goFile, '');
    const results = await Promise.all(children.map((c) => c.done));
    expect(results.map((r) => r.stderr).filter((e) => e !== '')).toEqual([]);
    expect(results.map((r) => r.code)).toEqual(Array(20).fill(0));
    const ws = Workspace.open(dir);
    const rows = ws.db.prepare('SELECT id, name FROM datasets ORDER BY id').all() as Array<{ id: number; name: string }>;
    expect(rows.map((r) => r.name).sort()).toEqual(Array.from({ length: 50 }, (_, i) => `set-${i}`).sort());
    // Every process got the one id of each name.
    const ids = Object.fromEntries(rows.map((r) => [r.name, r.id]));
    const expected = Array.from({ length: 50 }, (_, i) => ids[`set-${i}`]).join(' ');
    expect(new Set(results.map((r) => r.stdout.trim()))).toEqual(new Set([expected]));
    ws.close();
  }, 120_000);
});
