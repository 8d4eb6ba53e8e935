// Scaled dot-product attention against a loop-by-loop reference: scaling, causal and padding
// masks, grouped-query heads, and the multi-head self-attention block built on it.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  mergeHeads,
  multiHeadSelfAttention,
  scaledDotProductAttention,
  splitHeads,
} from '../../../../src-main/engine/nn/attention';
import { linear } from '../../../../src-main/engine/nn/linear';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** softmax(q·kᵀ/√d + mask)·v one query at a time; `allowed(b, i, j)` says whether query i sees key j. */
function referenceAttention(
  q: number[][][][],
  k: number[][][][],
  v: number[][][][],
  allowed: (b: number, i: number, j: number) => boolean,
): number[] {
  const out: number[] = [];
  q.forEach((heads, b) =>
    heads.forEach((queries, h) =>
      queries.forEach((query, i) => {
        const keys = k[b]![h]!;
        const scores = keys.map((key, j) =>
          allowed(b, i, j) ? key.reduce((s, kv, d) => s + kv * query[d]!, 0) / Math.sqrt(query.length) : -Infinity,
        );
        const max = Math.max(...scores);
        const weights = scores.map((s) => Math.exp(s - max));
        const total = weights.reduce((a, b2) => a + b2, 0);
        for (let d = 0; d < query.length; d++) {
          out.push(weights.reduce((s, w, j) => s + (w / total) * v[b]![h]![j]![d]!, 0));
        }
      }),
    ),
  );
  return out;
}

const array4 = (t: tf.Tensor) => t.arraySync() as number[][][][];
function expectClose(actual: tf.Tensor, expected: number[], tolerance = 1e-5): void {
  const a = Array.from(actual.dataSync());
  expect(a.length).toBe(expected.length);
  expect(Math.max(...a.map((x, i) => Math.abs(x - expected[i]!)))).toBeLessThanOrEqual(tolerance);
}

describe('scaledDotProductAttention', () => {
  const q = tf.randomNormal([2, 3, 5, 4], 0, 1, 'float32', 11);
  const k = tf.randomNormal([2, 3, 5, 4], 0, 1, 'float32', 12);
  const v = tf.randomNormal([2, 3, 5, 4], 0, 1, 'float32', 13);

  it('without masks attends to every key with 1/√headDim scaling', () => {
    expectClose(scaledDotProductAttention(q, k, v), referenceAttention(array4(q), array4(k), array4(v), () => true));
  });

  it('causal and key padding masks combine (padding = 0 in keyPaddingMask)', () => {
    const keep = [[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]];
    const out = scaledDotProductAttention(q, k, v, { causal: true, keyPaddingMask: tf.tensor2d(keep, [2, 5], 'int32') });
    expectClose(out, referenceAttention(array4(q), array4(k), array4(v), (b, i, j) => j <= i && keep[b]![j] === 1));
  });

  it('causal with fewer queries than keys aligns queries to the end (as with a KV cache)', () => {
    const lastTwo = tf.slice(q, [0, 0, 3, 0], [2, 3, 2, 4]);
    const out = scaledDotProductAttention(lastTwo, k, v, { causal: true });
    expectClose(out, referenceAttention(array4(lastTwo), array4(k), array4(v), (_, i, j) => j <= i + 3));
  });

  it('a query whose keys are all masked gets finite output, not NaN', () => {
    const out = scaledDotProductAttention(q, k, v, { keyPaddingMask: tf.zeros([2, 5]) });
    expect(Array.from(out.dataSync()).every(Number.isFinite)).toBe(true);
  });

  it('grouped-query attention: each key/value head serves consecutive query heads (repeat_kv)', () => {
    const q4 = tf.randomNormal([1, 4, 3, 2], 0, 1, 'float32', 14);
    const k2 = tf.randomNormal([1, 2, 3, 2], 0, 1, 'float32', 15);
    const v2 = tf.randomNormal([1, 2, 3, 2], 0, 1, 'float32', 16);
    const repeat = (t: tf.Tensor) => tf.gather(t, [0, 0, 1, 1], 1);
    expectClose(scaledDotProductAttention(q4, k2, v2, { causal: true }), Array.from(scaledDotProductAttention(q4, repeat(k2), repeat(v2), { causal: true }).dataSync()));
    expect(() => scaledDotProductAttention(q4, tf.zeros([1, 3, 3, 2]), tf.zeros([1, 3, 3, 2]))).toThrow(
      'attention: 4 query heads cannot share 3 key/value heads (must divide evenly)',
    );
  });
});

describe('multiHeadSelfAttention', () => {
  it('is o_proj(attention(split(q_proj x), split(k_proj x), split(v_proj x))) with heads merged back', () => {
    const x = tf.randomNormal([2, 5, 8], 0, 1, 'float32', 21);
    const w = (seed: number) => tf.randomNormal([8, 8], 0, 0.3, 'float32', seed);
    const weights = { qKernel: w(22), kKernel: w(23), vKernel: w(24), oKernel: w(25), qBias: tf.ones([8]), oBias: tf.ones([8]) };
    const out = multiHeadSelfAttention(x, weights, { numHeads: 2 });
    const heads = (t: tf.Tensor) => array4(splitHeads(t, 2));
    const attended = referenceAttention(
      heads(linear(x, weights.qKernel, weights.qBias)),
      heads(linear(x, weights.kKernel)),
      heads(linear(x, weights.vKernel)),
      () => true,
    );
    const merged = mergeHeads(tf.tensor4d(attended, [2, 2, 5, 4]));
    expectClose(out, Array.from(linear(merged, weights.oKernel, weights.oBias).dataSync()), 1e-4);
  });
});
