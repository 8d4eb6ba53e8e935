// OneHot on wasm: the stock kernel wrote integer bit patterns into float32 outputs (losses silently 0); ours
// matches cpu for every dtype, on/off value and index, including indices outside [0, depth).

import { describe, expect, it } from 'vitest';
import * as tf from '../../../../src-main/engine/backend/tf';
import { on } from './helpers';

interface Case {
  name: string;
  indices: number[];
  shape: number[];
  depth: number;
  /** Default 1. */
  on?: number;
  /** Default 0. */
  off?: number;
  /** Default float32. */
  dtype?: tf.DataType;
}

const cases: Case[] = [
  { name: 'float32 label smoothing values', indices: [2, 0, 1], shape: [3], depth: 4, on: 0.9, off: 0.025 },
  { name: 'int32 with custom values', indices: [3, 3, 0], shape: [3], depth: 5, on: 7, off: -2, dtype: 'int32' },
  { name: 'indices outside [0, depth) give a row of off values', indices: [-1, 4, 9, 1], shape: [4], depth: 4 },
  { name: 'rank-2 indices', indices: [0, 1, 2, 3, 2, 1], shape: [2, 3], depth: 4 },
  { name: 'no indices', indices: [], shape: [0], depth: 3 },
];

describe('oneHot on wasm', () => {
  it('sums to the number of indices, as int32 (the default) and as float32', async () => {
    const [int, float] = await on('wasm', () => [
      tf.sum(tf.oneHot([1, 0], 3)).arraySync(),
      tf.sum(tf.oneHot(tf.tensor1d([1, 0], 'int32'), 3, 1, 0, 'float32')).arraySync(),
    ]);
    expect(int).toBe(2);
    expect(float).toBe(2);
  });

  it('writes float32 ones and zeros, not bit patterns', async () => {
    const oneHot = () => Array.from(tf.oneHot(tf.tensor1d([1, 0], 'int32'), 3, 1, 0, 'float32').dataSync());
    expect(await on('wasm', oneHot)).toEqual([0, 1, 0, 1, 0, 0]);
  });

  for (const c of cases) {
    it(`matches cpu: ${c.name}`, async () => {
      const run = () => {
        const indices = tf.tensor(c.indices, c.shape, 'int32');
        const t = tf.oneHot(indices, c.depth, c.on ?? 1, c.off ?? 0, c.dtype ?? 'float32');
        return { shape: t.shape, dtype: t.dtype, values: Array.from(t.dataSync()) };
      };
      const cpu = await on('cpu', run);
      expect(await on('wasm', run)).toEqual(cpu);
    });
  }
});
