// `data:export` from the window: an absolute path only, never the workspace's own files, and an existing file only
// with `overwrite` (the refusal carries `{ exists: path }` so the window can ask the user first).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../../src-main/ipc/dispatch';
import type { HandlerContext } from '../../../src-main/ipc/handlers';
import { WORKSPACE_DB } from '../../../src-main/store/workspace';
import { tempDir, workspaceWithPairs } from '../../helpers/workspace';

async function context(): Promise<HandlerContext> {
  return { workspace: await workspaceWithPairs([{}, {}]), emit: () => undefined };
}

describe('data:export', () => {
  it('refuses a relative path', async () => {
    const result = await dispatch('data:export', { path: 'out.jsonl', job: 'e1' }, await context());
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('INVALID_REQUEST');
    expect(result.error.details).toEqual({
      issues: [expect.objectContaining({ path: ['path'], message: 'Give the absolute path of the .jsonl file to write.' })],
    });
  });

  it("refuses the workspace's database even with overwrite, leaving its bytes unchanged", async () => {
    const ctx = await context();
    const db = join(ctx.workspace.dir, WORKSPACE_DB);
    const before = readFileSync(db);
    const result = await dispatch('data:export', { path: db, overwrite: true, job: 'e1' }, ctx);
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', details: { path: db, workspace: ctx.workspace.dir } } });
    expect(readFileSync(db).equals(before)).toBe(true);
  });

  it('refuses an existing file with details { exists }, and replaces it when asked to overwrite', async () => {
    const ctx = await context();
    const out = join(tempDir('pivot-export-target-'), 'pairs.jsonl');
    writeFileSync(out, 'keep me\n');
    const refused = await dispatch('data:export', { path: out, job: 'e1' }, ctx);
    expect(refused).toEqual({
      ok: false,
      error: {
        code: 'INVALID_REQUEST',
        message: `"${out}" already exists: choose another file, or confirm replacing it (--force on the command line).`,
        details: { exists: out },
      },
    });
    expect(readFileSync(out, 'utf8')).toBe('keep me\n');
    const replaced = await dispatch('data:export', { path: out, overwrite: true, job: 'e1' }, ctx);
    expect(replaced).toEqual({ ok: true, data: { path: out, written: 2, images: 2 } });
  });
});
