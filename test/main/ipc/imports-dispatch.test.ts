// `imports:list` and `imports:rejections` through dispatch: the window reads the import history the workspace keeps.
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../../src-main/ipc/dispatch';
import type { HandlerContext } from '../../../src-main/ipc/handlers';
import { workspaceWithPairs } from '../../helpers/workspace';

async function context(): Promise<HandlerContext> {
  return { workspace: await workspaceWithPairs([{}]), emit: () => undefined };
}

describe('imports channels', () => {
  it("lists a dataset's imports and returns one import's rejected records; an unknown id is NOT_FOUND", async () => {
    const ctx = await context();
    const entry = ctx.workspace.imports.record({
      dataset: 'd',
      file: '/f.jsonl',
      report: { format: 'trl', imported: 1, skipped: 0, blankLines: 0, rejected: [{ line: 2, reason: 'bad' }] },
    });
    ctx.workspace.imports.record({ dataset: 'e', file: '/g.jsonl', report: { format: 'trl', imported: 1, skipped: 0, blankLines: 0, rejected: [] } });

    const listed = await dispatch('imports:list', { dataset: 'd' }, ctx);
    expect(listed).toEqual({ ok: true, data: [entry] });
    expect(await dispatch('imports:rejections', { id: entry.id }, ctx)).toEqual({ ok: true, data: [{ line: 2, reason: 'bad' }] });
    expect(await dispatch('imports:rejections', { id: 99 }, ctx)).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'No import with id 99 in this workspace.', details: { id: 99 } },
    });
    ctx.workspace.close();
  });
});
