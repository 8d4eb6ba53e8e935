import { describe, expect, it } from 'vitest';
import { dispatch } from '../../../src-main/ipc/dispatch';
import type { HandlerContext } from '../../../src-main/ipc/handlers';
import type { Events } from '../../../src-shared/ipc/contract';
import { workspaceWithPairs } from '../../helpers/workspace';

async function context(): Promise<{ ctx: HandlerContext; events: Array<[string, unknown]> }> {
  const events: Array<[string, unknown]> = [];
  const workspace = await workspaceWithPairs([{}, {}, {}]);
  return { ctx: { workspace, emit: <E extends keyof Events>(e: E, p: Events[E]) => events.push([e, p]) }, events };
}

describe('dispatch', () => {
  it('answers a valid request with data', async () => {
    const { ctx } = await context();
    const result = await dispatch('pairs:list', { limit: 2 }, ctx);
    expect(result.ok).toBe(true);
    expect(result.ok && (result.data as { total: number }).total).toBe(3);
  });

  it('refuses an unknown channel as data, not as a throw', async () => {
    const { ctx } = await context();
    expect(await dispatch('fs:read', {}, ctx)).toEqual({
      ok: false,
      error: { code: 'UNKNOWN_CHANNEL', message: 'Unknown channel "fs:read".' },
    });
  });

  it('refuses an invalid request, naming the field', async () => {
    const { ctx } = await context();
    const result = await dispatch('pairs:update', { id: 1, edit: { status: 'great', extra: 1 } }, ctx);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('INVALID_REQUEST');
    expect(result.error.details).toEqual({
      issues: expect.arrayContaining([
        expect.objectContaining({ path: ['edit', 'status'] }),
        expect.objectContaining({ path: ['edit'], message: expect.stringContaining('extra') }),
      ]),
    });
  });

  it('turns a handler error into its code', async () => {
    const { ctx } = await context();
    const result = await dispatch('pairs:undo', { id: 2 }, ctx);
    expect(result).toEqual({ ok: false, error: { code: 'NOTHING_TO_UNDO', message: 'Pair 2 has no edit to undo.', details: { id: 2 } } });
  });

  it('streams progress of a bulk action as job events', async () => {
    const { ctx, events } = await context();
    const result = await dispatch('pairs:bulk', { job: 'j1', target: { filter: {} }, action: { kind: 'status', status: 'accepted' } }, ctx);
    expect(result).toEqual({ ok: true, data: { affected: 3 } });
    expect(events).toEqual([['job:progress', { job: 'j1', done: 3, total: 3, label: 'status: 3 / 3' }]]);
  });

  it('says there is no native file picker outside Electron', async () => {
    const { ctx } = await context();
    const result = await dispatch('dialog:pick-file', { purpose: 'import' }, ctx);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('INVALID_REQUEST');
  });
});
