// Blind review, source metadata and per-dataset statistics in the workspace (migration 5): picks recorded with their
// agreement (latest pick per pair), each pair's source file and line kept on import and its origin filterable, and a
// dataset's status mix and length-bias histogram.
import { afterAll, describe, expect, it } from 'vitest';
import { importDataset } from '../../../src-main/curation/import-dataset';
import { datasetStats } from '../../../src-main/store/dataset-stats';
import { Workspace } from '../../../src-main/store/workspace';
import { lengthBiasBins } from '../../../src-shared/domain/dataset-stats';
import { imageBytes, removeTempDirs, tempDir, writeBytes, writeJsonl } from '../datasets/fixtures';
import { workspaceWithPairs } from '../../helpers/workspace';

afterAll(removeTempDirs);

describe('blind review', () => {
  it("counts each reviewed pair once by its latest pick, agreeing when it picked the chosen answer", async () => {
    const ws = await workspaceWithPairs([{}, {}, {}]);
    expect(ws.reviews.agreement()).toEqual({ reviewed: 0, agreed: 0 });
    ws.reviews.record(1, 'chosen');
    ws.reviews.record(2, 'chosen');
    ws.reviews.record(2, 'rejected');
    ws.reviews.record(3, 'chosen');
    expect(ws.reviews.agreement()).toEqual({ reviewed: 3, agreed: 2 });
    expect(() => ws.reviews.record(9, 'chosen')).toThrow(expect.objectContaining({ code: 'NOT_FOUND', message: 'No pair with id 9 in this workspace.' }));
    ws.close();
  });
});

describe('source metadata', () => {
  it('keeps the source file and line of each imported pair, and filters by origin fields', async () => {
    const dir = await tempDir();
    await writeBytes(dir, 'red.png', await imageBytes(4, 4));
    const pair = (id: string) => ({ id, images: ['red.png'], prompt: `Q ${id}?`, chosen: 'yes.', rejected: 'no.' });
    const file = await writeJsonl(dir, 'pairs.jsonl', [pair('rec-a'), '', pair('rec-b')]);
    const ws = Workspace.open(`${dir}/ws`);
    await importDataset(ws, file, { dataset: 'mine' });
    const { items } = ws.pairs.list({});
    expect(items.map((p) => ({ file: p.source.file, line: p.source.line, id: p.source.origin.id }))).toEqual([
      { file, line: 1, id: 'rec-a' },
      { file, line: 3, id: 'rec-b' },
    ]);
    expect(ws.pairs.list({ filter: { source: 'rec-b' } }).items.map((p) => p.source.line)).toEqual([3]);
    expect(ws.pairs.list({ filter: { source: 'REC-' } }).total).toBe(2);
    expect(ws.pairs.list({ filter: { source: '%' } }).total).toBe(0);
    ws.close();
  });
});

describe('dataset statistics', () => {
  it("gives a dataset's status mix, length-bias histogram and agreement", async () => {
    const ws = await workspaceWithPairs(
      [
        { chosen: 'aaaaa', rejected: 'a' }, // +4
        { chosen: 'a', rejected: 'aaa' }, // -2
        { chosen: 'ab', rejected: 'cd' }, // 0
      ],
      'd',
    );
    ws.pairs.update(1, { status: 'accepted' });
    ws.reviews.record(2, 'rejected');
    const stats = datasetStats(ws.db, ws.pairs, ws.reviews, 'd');
    expect(stats.counts).toEqual({ pending: 2, accepted: 1, rejected: 0, 'needs-review': 0, total: 3 });
    expect(stats.lengthBias).toEqual({
      bins: [
        { from: -2, to: -2, count: 1 },
        { from: -1, to: -1, count: 0 },
        { from: 0, to: 0, count: 1 },
        { from: 1, to: 1, count: 0 },
        { from: 2, to: 2, count: 0 },
        { from: 3, to: 3, count: 0 },
        { from: 4, to: 4, count: 1 },
      ],
      chosenLonger: 1,
      chosenShorter: 1,
      sameLength: 1,
    });
    expect(stats.reviews).toEqual({ reviewed: 1, agreed: 0 });
    expect(() => datasetStats(ws.db, ws.pairs, ws.reviews, 'nope')).toThrow('No dataset named "nope" in this workspace.');
    ws.close();
  });

  it('bins a wide range into about 20 equal integer ranges, one starting at 0', () => {
    const bins = lengthBiasBins([-100, 0, 1, 250]);
    expect(bins[0]).toEqual({ from: -108, to: -91, count: 1 });
    expect(bins.find((b) => b.from === 0)).toEqual({ from: 0, to: 17, count: 2 });
    expect(bins.at(-1)).toEqual({ from: 234, to: 251, count: 1 });
    expect(bins.reduce((n, b) => n + b.count, 0)).toBe(4);
    expect(bins.length).toBe(20);
  });
});
