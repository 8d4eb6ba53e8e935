// The DPO reference cache is read back only for the same stage, start, items and item contents: a pair whose
// rejected answer changed under the same id (curated, or re-answered by the model) is scored again.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StageItem } from '../../../../src-main/engine/data/batches';
import { itemsContentHash, readReferenceCache, writeReferenceCache } from '../../../../src-main/engine/objectives/dpo-reference';

const item = (key: string, rejected: number[]): StageItem => ({
  key, image: '/x.png', source: 'pairs.jsonl:1',
  sequences: [
    { inputIds: [1, 2, 3, 7], labelsMask: [0, 0, 0, 1], imagePosition: 1 },
    { inputIds: [1, 2, 3, ...rejected], labelsMask: [0, 0, 0, ...rejected.map(() => 1)], imagePosition: 1 },
  ],
});

describe('DPO reference cache', () => {
  it('is reused for identical items and refused when an answer changed under the same key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pivot-ref-'));
    const items = [item('a', [8]), item('b', [9])];
    const key = { stage: 'dpo', startCheckpoint: 'checkpoints/instruct-4', keys: ['a', 'b'], content: itemsContentHash(items) };
    await writeReferenceCache(dir, key, { chosen: Float32Array.of(-1.5, -2.25), rejected: Float32Array.of(-3, -4.125) });

    const again = readReferenceCache(dir, { ...key, content: itemsContentHash([item('a', [8]), item('b', [9])]) });
    expect(again && [Array.from(again.chosen), Array.from(again.rejected)]).toEqual([[-1.5, -2.25], [-3, -4.125]]);

    const edited = [item('a', [8]), item('b', [10])];
    expect(itemsContentHash(edited)).not.toBe(key.content);
    expect(readReferenceCache(dir, { ...key, content: itemsContentHash(edited) })).toBeNull();
    // Token boundaries count: [8, 9] as one answer is not [8] then [9].
    expect(itemsContentHash([item('a', [8, 9])])).not.toBe(itemsContentHash([item('a', [8]), item('', [9])]));
    expect(readReferenceCache(dir, { ...key, startCheckpoint: 'checkpoints/instruct-8' })).toBeNull();
  });
});
