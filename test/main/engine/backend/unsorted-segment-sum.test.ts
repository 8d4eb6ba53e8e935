// UnsortedSegmentSum on wasm (which lacks it; it is the gradient of gather) against cpu and against the
// values TensorFlow defines, on awkward shapes: empty, repeated ids, ids out of range, rank-2 ids.

import { describe, expect, it } from 'vitest';
import * as tf from '../../../../src-main/engine/backend/tf';
import { expectClose, on, seeded } from './helpers';

interface Case {
  name: string;
  shape: number[];
  ids: number[];
  numSegments: number;
  dtype?: 'float32' | 'int32';
}

const cases: Case[] = [
  { name: 'repeated ids', shape: [6, 4], ids: [0, 2, 2, 1, 0, 2], numSegments: 3 },
  { name: 'a segment that no id names stays zero', shape: [3, 2], ids: [0, 0, 3], numSegments: 5 },
  { name: 'rank-1 data', shape: [5], ids: [1, 1, 0, 3, 1], numSegments: 4 },
  { name: 'rank-3 data', shape: [4, 2, 3], ids: [1, 0, 1, 1], numSegments: 2 },
  { name: 'no rows', shape: [0, 4], ids: [], numSegments: 3 },
  { name: 'negative and too-large ids are dropped', shape: [5, 2], ids: [-1, 3, 5, 0, 4], numSegments: 4 },
  { name: 'int32 data', shape: [4, 3], ids: [2, 2, 0, 2], numSegments: 3, dtype: 'int32' },
  {
    name: 'many rows into few segments',
    shape: [512, 16],
    ids: Array.from({ length: 512 }, (_, i) => (i * 37) % 64),
    numSegments: 64,
  },
];

function data(c: Case): tf.Tensor {
  const values = seeded(tf.util.sizeFromShape(c.shape), 11);
  if (c.dtype === 'int32') return tf.tensor(Array.from(values, (v) => Math.round(v * 50)), c.shape, 'int32');
  return tf.tensor(values, c.shape);
}

/** TensorFlow's definition, in plain loops over rank-1 ids. */
function reference(c: Case): number[] {
  const x = Array.from(data(c).dataSync());
  const inner = c.ids.length === 0 ? 0 : x.length / c.ids.length;
  const out = new Array<number>(c.numSegments * tf.util.sizeFromShape(c.shape.slice(1))).fill(0);
  c.ids.forEach((s, row) => {
    if (s < 0 || s >= c.numSegments) return;
    for (let j = 0; j < inner; j++) out[s * inner + j] += x[row * inner + j];
  });
  return out;
}

describe('UnsortedSegmentSum on wasm', () => {
  for (const c of cases) {
    it(`matches cpu and TensorFlow's definition: ${c.name}`, async () => {
      const run = () => {
        const t = tf.unsortedSegmentSum(data(c), tf.tensor1d(c.ids, 'int32'), c.numSegments);
        return { shape: t.shape, dtype: t.dtype, values: Array.from(t.dataSync()) };
      };
      const cpu = await on('cpu', run);
      const wasm = await on('wasm', run);
      expect(wasm.shape).toEqual([c.numSegments, ...c.shape.slice(1)]);
      expect(wasm.shape).toEqual(cpu.shape);
      // The data's dtype, as TensorFlow defines (tfjs-cpu returns float32 for int32 data).
      expect(wasm.dtype).toBe(c.dtype ?? 'float32');
      expectClose(wasm.values, cpu.values, 1e-6, 'wasm vs cpu');
      expectClose(wasm.values, reference(c), 1e-6, 'wasm vs definition');
    });
  }

  it('sums over every id axis for rank-2 ids, as TensorFlow does', async () => {
    const values = await on('wasm', () => {
      const x = tf.tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 3, 2]);
      const ids = tf.tensor2d([[0, 1, 0], [2, 0, -1]], [2, 3], 'int32');
      // tfjs types the ids as rank 1; TensorFlow allows any rank, and so does our kernel.
      const t = tf.unsortedSegmentSum(x, ids as unknown as tf.Tensor1D, 3);
      return { shape: t.shape, values: Array.from(t.dataSync()) };
    });
    expect(values).toEqual({ shape: [3, 2], values: [1 + 5 + 9, 2 + 6 + 10, 3, 4, 7, 8] });
  });

  it('gives the gradient of gather with repeated indices, as on cpu', async () => {
    const run = () => {
      const table = tf.tensor(seeded(10 * 3, 5), [10, 3]);
      const weights = tf.tensor(seeded(6 * 3, 6), [6, 3]);
      const indices = tf.tensor1d([4, 1, 4, 4, 9, 0], 'int32');
      return Array.from(tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, indices), weights)))(table).dataSync());
    };
    const cpu = await on('cpu', run);
    expectClose(await on('wasm', run), cpu, 1e-6);
  });
});
