// A bulk action is one undo step: `undoBulk(job)` restores every pair the bulk changed, in one go, and refuses when
// there is nothing of that bulk left to undo.
import { describe, expect, it } from 'vitest';
import { PivotError } from '../../../src-shared/errors';
import { workspaceWithPairs } from '../../helpers/workspace';

describe('PairStore undoBulk', () => {
  it('puts back all five pairs a bulk accept changed, and only those', async () => {
    const ws = await workspaceWithPairs([{}, {}, {}, {}, {}, {}]);
    ws.pairs.update(6, { status: 'rejected' });
    expect(await ws.pairs.bulk({ ids: [1, 2, 3, 4, 5] }, { kind: 'status', status: 'accepted' }, undefined, 'bulk-1')).toBe(5);
    expect(ws.pairs.undoBulk('bulk-1')).toBe(5);
    expect([1, 2, 3, 4, 5, 6].map((id) => ws.pairs.get(id).status)).toEqual(['pending', 'pending', 'pending', 'pending', 'pending', 'rejected']);
    expect(ws.pairs.history(3)).toEqual([]);
    expect(ws.pairs.history(6).map((h) => h.action)).toEqual(['edit']);
  });

  it('leaves a pair edited after the bulk as it is, and restores the others', async () => {
    const ws = await workspaceWithPairs([{}, {}]);
    await ws.pairs.bulk({ ids: [1, 2] }, { kind: 'add-tag', tag: 'cat' }, undefined, 'bulk-7');
    ws.pairs.update(2, { status: 'accepted' });
    expect(ws.pairs.undoBulk('bulk-7')).toBe(1);
    expect(ws.pairs.get(1).tags).toEqual([]);
    expect(ws.pairs.get(2)).toMatchObject({ tags: ['cat'], status: 'accepted' });
  });

  it('refuses a second undo of the same bulk with NOTHING_TO_UNDO', async () => {
    const ws = await workspaceWithPairs([{}]);
    await ws.pairs.bulk({ ids: [1] }, { kind: 'split', split: 'test' }, undefined, 'bulk-2');
    ws.pairs.undoBulk('bulk-2');
    const err = (() => {
      try {
        ws.pairs.undoBulk('bulk-2');
      } catch (e) {
        return e;
      }
    })() as PivotError;
    expect(err).toBeInstanceOf(PivotError);
    expect(err.code).toBe('NOTHING_TO_UNDO');
    expect(err.message).toBe('The bulk action bulk-2 has no change left to undo.');
  });
});
