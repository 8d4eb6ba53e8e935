// The fused attention kernel on native against the composed attention (matmul → softmax → matmul) on cpu, the
// reference: the output and the gradients of q, k and v, across masks, grouped-query heads and odd shapes.
import { describe, expect, it } from 'vitest';
import { fusedAttention } from '../../../../../src-main/engine/backend/native/fused/attention';
import { selectBackend } from '../../../../../src-main/engine/backend/select';
import * as tf from '../../../../../src-main/engine/backend/tf';
import { scaledDotProductAttention } from '../../../../../src-main/engine/nn/attention';
import { expectClose, seeded } from '../helpers';

/** Max |diff| relative to the largest reference value: float32 sums in another order, nothing more. */
const TOLERANCE = 1e-5;

interface Case {
  batch: number;
  heads: number;
  kvHeads: number;
  tq: number;
  tk: number;
  dim: number;
  causal: boolean;
  /** [batch][tk] of 1 (keep) / 0 (padding). */
  mask?: number[][];
  scale?: number;
}

interface Result {
  out: Float32Array;
  dq: Float32Array;
  dk: Float32Array;
  dv: Float32Array;
}

/** Output and input gradients (for a seeded output gradient) of attention on the active backend. */
function run(c: Case, attend: (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, mask?: tf.Tensor) => tf.Tensor): Result {
  return tf.tidy(() => {
    const qShape = [c.batch, c.heads, c.tq, c.dim];
    const kvShape = [c.batch, c.kvHeads, c.tk, c.dim];
    const tensor = (shape: number[], seed: number, scale: number) => tf.tensor(seeded(tf.util.sizeFromShape(shape), seed, scale), shape);
    const q = tensor(qShape, 1, 2);
    const k = tensor(kvShape, 2, 2);
    const v = tensor(kvShape, 3, 1);
    const dy = tensor(qShape, 4, 1);
    const mask = c.mask ? tf.tensor2d(c.mask, [c.batch, c.tk], 'int32') : undefined;
    const f = (qi: tf.Tensor, ki: tf.Tensor, vi: tf.Tensor) => attend(qi, ki, vi, mask);
    const out = f(q, k, v);
    const [dq, dk, dv] = tf.grads(f)([q, k, v], dy);
    return { out: out.dataSync() as Float32Array, dq: dq.dataSync() as Float32Array, dk: dk.dataSync() as Float32Array, dv: dv.dataSync() as Float32Array };
  });
}

async function compare(c: Case): Promise<void> {
  const scale = c.scale ?? 1 / Math.sqrt(c.dim);
  await selectBackend('cpu');
  const expected = run(c, (q, k, v, keyPaddingMask) => scaledDotProductAttention(q, k, v, { causal: c.causal, scale, ...(keyPaddingMask ? { keyPaddingMask } : {}) }));
  await selectBackend('native');
  const actual = run(c, (q, k, v, keyPaddingMask) => fusedAttention(q, k, v, { causal: c.causal, scale, ...(keyPaddingMask ? { keyPaddingMask } : {}) }));
  for (const key of ['out', 'dq', 'dk', 'dv'] as const) expectClose(actual[key], expected[key], TOLERANCE, key);
}

describe('fused attention on native against composed attention on cpu', () => {
  it('without masks, one kv head per query head', () => compare({ batch: 2, heads: 2, kvHeads: 2, tq: 5, tk: 5, dim: 8, causal: false }));

  it('causal, grouped-query heads (4 query heads on 2 kv heads), odd sizes', () =>
    compare({ batch: 2, heads: 4, kvHeads: 2, tq: 13, tk: 13, dim: 7, causal: true }));

  it('all query heads on one kv head, a given scale', () =>
    compare({ batch: 1, heads: 3, kvHeads: 1, tq: 6, tk: 9, dim: 5, causal: false, scale: 0.7 }));

  // Row 0: right padding; row 1: every key padded, so each query is uniform over all keys; row 2: left padding.
  const mask = [
    [1, 1, 1, 1, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 0],
    [0, 0, 1, 1, 1, 1, 1],
  ];
  it('key padding mask with partially and fully masked rows', () =>
    compare({ batch: 3, heads: 4, kvHeads: 2, tq: 7, tk: 7, dim: 6, causal: false, mask }));

  // With left padding, queries 0 and 1 see only padded keys: like the composed bias (−1e9 per mask), they spread
  // uniformly over the keys masked once (the padded ones they see and the real ones ahead of them).
  it('key padding mask and causal mask together', () =>
    compare({ batch: 3, heads: 2, kvHeads: 1, tq: 7, tk: 7, dim: 9, causal: true, mask }));

  it('causal with fewer queries than keys (aligned to the end, as with a KV cache)', () =>
    compare({ batch: 2, heads: 4, kvHeads: 2, tq: 4, tk: 11, dim: 8, causal: true, mask: [[1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0], [0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]] }));

  // Queries 0 and 1 see no key at all: every key is causally masked, so the row is uniform over the unpadded ones.
  it('causal with more queries than keys', () =>
    compare({ batch: 2, heads: 2, kvHeads: 2, tq: 6, tk: 4, dim: 4, causal: true, mask: [[1, 1, 1, 1], [1, 0, 1, 1]] }));

  it('a single query row, and a single key', async () => {
    await compare({ batch: 1, heads: 1, kvHeads: 1, tq: 1, tk: 9, dim: 16, causal: true });
    await compare({ batch: 1, heads: 2, kvHeads: 1, tq: 1, tk: 1, dim: 3, causal: false });
  });

  // Rows longer than the kernel's 64-key blocks: the online softmax across blocks, the key rows' pass starting
  // mid-block, and the head dimensions compiled as constants (32, 64, 128).
  const keepFirst = (batch: number, t: number, kept: number[]) => Array.from({ length: batch }, (_, b) => Array.from({ length: t }, (_, j) => (j < kept[b]! ? 1 : 0)));
  it('long rows: causal with right padding, 64-wide heads', () =>
    compare({ batch: 2, heads: 4, kvHeads: 2, tq: 150, tk: 150, dim: 64, causal: true, mask: keepFirst(2, 150, [150, 97]) }));

  it('long rows: fewer queries than keys, a fully padded batch row, 32- and 128-wide heads', async () => {
    await compare({ batch: 2, heads: 2, kvHeads: 1, tq: 70, tk: 130, dim: 32, causal: false, mask: keepFirst(2, 130, [80, 0]) });
    await compare({ batch: 1, heads: 2, kvHeads: 2, tq: 3, tk: 140, dim: 128, causal: true });
  });

  it('the largest head dimension, and a clear error above it', async () => {
    await compare({ batch: 1, heads: 2, kvHeads: 2, tq: 3, tk: 5, dim: 256, causal: true });
    await selectBackend('native');
    const q = tf.zeros([1, 1, 2, 257]);
    expect(() => fusedAttention(q, q, q, { causal: false, scale: 1 })).toThrow(/head dimension 257 is above the fused kernel's 256/);
    q.dispose();
  });
});

describe('scaledDotProductAttention picks the fused kernel where the backend has it', () => {
  const kernelsOf = async () => {
    const [q, k, v] = [[2, 4, 5, 8], [2, 2, 5, 8], [2, 2, 5, 8]].map((shape, i) => tf.tensor(seeded(tf.util.sizeFromShape(shape), i + 1), shape));
    const profile = await tf.profile(() => scaledDotProductAttention(q as tf.Tensor, k as tf.Tensor, v as tf.Tensor, { causal: true }));
    tf.dispose([q, k, v] as tf.Tensor[]);
    return profile.kernelNames;
  };

  it('on native: one PivotAttention, no softmax', async () => {
    await selectBackend('native');
    const names = await kernelsOf();
    expect(names).toContain('PivotAttention');
    expect(names).not.toContain('Softmax');
  });

  it('on cpu: the composed ops', async () => {
    await selectBackend('cpu');
    const names = await kernelsOf();
    expect(names).toContain('Softmax');
    expect(names).not.toContain('PivotAttention');
  });
});
