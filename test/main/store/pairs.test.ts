import { describe, expect, it } from 'vitest';
import { BULK_CHUNK } from '../../../src-main/store/pairs';
import { PivotError } from '../../../src-shared/errors';
import { storedImage, workspaceWithPairs } from '../../helpers/workspace';

describe('PairStore inserts', () => {
  it('skips a pair whose content was imported before, even after it was edited', async () => {
    const ws = await workspaceWithPairs([{ question: 'Q?', chosen: 'A.', rejected: 'B.' }]);
    ws.pairs.swap(1);
    const id = ws.pairs.ensureDataset('test/pairs.jsonl', 'trl', null);
    const image = await storedImage(ws, 0);
    const again = ws.pairs.insertMany(id, [{ image, question: 'Q?', chosen: 'A.', rejected: 'B.', origin: {} }]);
    expect(again).toEqual({ inserted: 0, duplicates: 1 });
    expect(ws.pairs.count()).toBe(1);
  });
});

describe('PairStore queries', () => {
  it('filters by status, text, tags, split and length difference, and counts per status ignoring the status filter', async () => {
    const ws = await workspaceWithPairs([
      { question: 'What colour is the circle?', chosen: 'Red.', rejected: 'Blue.' },
      { question: 'How many squares?', chosen: 'Three squares are in the image.', rejected: 'Two.' },
      { question: 'Is the star left of the cross?', chosen: 'Left.', rejected: 'Right.', split: 'test' },
    ]);
    ws.pairs.update(1, { status: 'accepted', tags: ['colour'] });
    ws.pairs.update(2, { status: 'rejected' });

    expect(ws.pairs.list({ filter: { status: ['accepted'] } }).items.map((p) => p.id)).toEqual([1]);
    expect(ws.pairs.list({ filter: { text: 'squares' } }).items.map((p) => p.id)).toEqual([2]);
    expect(ws.pairs.list({ filter: { text: '100%_' } }).total).toBe(0);
    expect(ws.pairs.list({ filter: { tags: ['colour'] } }).items.map((p) => p.id)).toEqual([1]);
    expect(ws.pairs.list({ filter: { split: 'test' } }).items.map((p) => p.id)).toEqual([3]);
    // "Three squares are in the image." (31) vs "Two." (4): a length difference of 27.
    expect(ws.pairs.list({ filter: { minLengthDiff: 20 } }).items.map((p) => p.id)).toEqual([2]);
    expect(ws.pairs.list({ filter: { longerSide: 'rejected' } }).items.map((p) => p.id)).toEqual([1, 3]);
    expect(ws.pairs.list({ filter: { dataset: 'test/pairs.jsonl' } }).total).toBe(3);
    expect(ws.pairs.list({ filter: { dataset: 'other' } }).total).toBe(0);

    expect(ws.pairs.counts({ status: ['accepted'] })).toEqual({
      pending: 1,
      accepted: 1,
      rejected: 1,
      'needs-review': 0,
      total: 3,
    });
  });

  it('pages and sorts, reporting the total of the whole filter', async () => {
    const ws = await workspaceWithPairs(Array.from({ length: 7 }, (_, i) => ({ question: `Q${String.fromCharCode(71 - i)}` })));
    const page = ws.pairs.list({ offset: 2, limit: 3, sort: 'question' });
    expect(page.total).toBe(7);
    expect(page.offset).toBe(2);
    expect(page.items.map((p) => p.question)).toEqual(['QC', 'QD', 'QE']);
    expect(ws.pairs.list({ limit: 2, descending: true }).items.map((p) => p.id)).toEqual([7, 6]);
  });

  it('returns a pair with its image size and source', async () => {
    const ws = await workspaceWithPairs([{ origin: { idx: 4, ds_name: 'rlaif' } }]);
    const pair = ws.pairs.get(1);
    expect(pair).toMatchObject({ imageWidth: 8, imageHeight: 8, status: 'pending', split: 'train', tags: [], note: '' });
    expect(pair.source).toEqual({ dataset: 'test/pairs.jsonl', format: 'trl', file: null, origin: { idx: 4, ds_name: 'rlaif' } });
    expect(() => ws.pairs.get(99)).toThrow(PivotError);
  });
});

describe('PairStore edits and undo', () => {
  it('undoes edits in reverse order, including a swap', async () => {
    const ws = await workspaceWithPairs([{ chosen: 'Red.', rejected: 'Blue.' }]);
    ws.pairs.update(1, { status: 'accepted' });
    ws.pairs.update(1, { note: 'checked', tags: ['a', 'b'] });
    ws.pairs.swap(1);
    expect(ws.pairs.get(1)).toMatchObject({ chosen: 'Blue.', rejected: 'Red.', note: 'checked', status: 'accepted' });
    expect(ws.pairs.history(1).map((h) => h.action)).toEqual(['swap', 'edit', 'edit']);

    expect(ws.pairs.undo(1)).toMatchObject({ chosen: 'Red.', rejected: 'Blue.', note: 'checked', tags: ['a', 'b'] });
    expect(ws.pairs.undo(1)).toMatchObject({ note: '', tags: [], status: 'accepted' });
    expect(ws.pairs.undo(1)).toMatchObject({ status: 'pending' });
    expect(() => ws.pairs.undo(1)).toThrow(expect.objectContaining({ code: 'NOTHING_TO_UNDO' }));
  });

  it('does not record an edit that changes nothing', async () => {
    const ws = await workspaceWithPairs([{}]);
    ws.pairs.update(1, { status: 'pending', tags: [] });
    expect(ws.pairs.history(1)).toEqual([]);
  });
});

describe('PairStore bulk actions', () => {
  it('applies an action to the whole filtered query in chunks, reporting progress after each', async () => {
    const n = BULK_CHUNK + 5;
    const ws = await workspaceWithPairs(Array.from({ length: n }, (_, i) => ({ question: i % 2 ? 'odd?' : 'even?' })));
    const progress: Array<[number, number]> = [];
    const affected = await ws.pairs.bulk({ filter: { text: 'odd' } }, { kind: 'add-tag', tag: 'odd' }, (d, t) => progress.push([d, t]));
    const odd = Math.floor(n / 2);
    expect(affected).toBe(odd);
    expect(progress.at(-1)).toEqual([odd, odd]);
    expect(ws.pairs.counts({ tags: ['odd'] }).total).toBe(odd);

    await ws.pairs.bulk({ ids: [1, 2, 3] }, { kind: 'status', status: 'needs-review' });
    expect(ws.pairs.counts({})['needs-review']).toBe(3);
    await ws.pairs.bulk({ ids: [2] }, { kind: 'remove-tag', tag: 'odd' });
    expect(ws.pairs.get(2).tags).toEqual([]);
    await ws.pairs.bulk({ filter: { tags: ['odd'] } }, { kind: 'delete' });
    expect(ws.pairs.count()).toBe(n - odd + 1);
  });

  it('reports the rows it changed, not the ids it was sent', async () => {
    const ws = await workspaceWithPairs([{}, {}, {}]);
    const ids = Array.from({ length: 600_000 }, (_, i) => i + 1);
    expect(await ws.pairs.bulk({ ids }, { kind: 'status', status: 'accepted' })).toBe(3);
    expect(await ws.pairs.bulk({ ids }, { kind: 'status', status: 'accepted' })).toBe(0);
    expect(await ws.pairs.bulk({ ids: [1, 2, 99] }, { kind: 'add-tag', tag: 'x' })).toBe(2);
    expect(await ws.pairs.bulk({ ids: [2, 3, 99] }, { kind: 'delete' })).toBe(2);
    expect(ws.pairs.count()).toBe(1);
  });

  it('records the previous value of every pair it changes, and only of those, so each can be undone', async () => {
    const ws = await workspaceWithPairs([{}, {}, {}]);
    ws.pairs.update(2, { status: 'accepted', tags: ['keep'] });
    await ws.pairs.bulk({ filter: {} }, { kind: 'status', status: 'accepted' });
    await ws.pairs.bulk({ ids: [1, 2] }, { kind: 'add-tag', tag: 'new' });
    await ws.pairs.bulk({ ids: [1, 2] }, { kind: 'add-tag', tag: 'new' });
    await ws.pairs.bulk({ ids: [3] }, { kind: 'split', split: 'test' });
    expect(ws.pairs.history(2).map((h) => h.action)).toEqual(['bulk-add-tag', 'edit']);
    expect(ws.pairs.get(2).tags).toEqual(['keep', 'new']);
    expect(ws.pairs.undo(2).tags).toEqual(['keep']);
    expect(ws.pairs.get(1)).toMatchObject({ status: 'accepted', tags: ['new'] });
    expect(ws.pairs.undo(1)).toMatchObject({ status: 'accepted', tags: [] });
    expect(ws.pairs.undo(1)).toMatchObject({ status: 'pending' });
    expect(ws.pairs.undo(3)).toMatchObject({ split: 'train', status: 'accepted' });
  });
});
