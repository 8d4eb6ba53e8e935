// Matmul FLOPs from profiled kernels: known answers for plain, batched, transposed and gradient matmuls.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../../../src-main/engine/backend/tf';
import { selectBackend } from '../../../../src-main/engine/backend/select';
import { matmulFlops, profileMatmulFlops } from '../../../../src-main/engine/bench/matmul-flops';

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('matmul FLOPs', () => {
  it('is 2·batch·M·N·K from the shapes, whichever way `a` is transposed', () => {
    expect(matmulFlops([2, 3, 4], [2, 3, 5])).toBe(2 * 2 * 3 * 5 * 4);
    expect(matmulFlops([4, 3], [3, 5])).toBe(2 * 3 * 5 * 4);
    expect(matmulFlops([6, 6], [6, 2])).toBe(2 * 6 * 2 * 6);
    expect(() => matmulFlops([3], [3, 5])).toThrow('matmul shapes [3] → [3, 5] have fewer than 2 dimensions');
  });

  it('counts what tfjs really ran: a batched product, a transposed one, and the backward pass of a product', async () => {
    const a = tf.ones([2, 3, 4]);
    const b = tf.ones([2, 4, 5]);
    const at = tf.ones([4, 3]);
    const w = tf.ones([4, 5]);
    try {
      expect(await profileMatmulFlops(async () => tf.matMul(a, b).dispose())).toBe(240);
      expect(await profileMatmulFlops(async () => tf.matMul(at, w, true, false).dispose())).toBe(120);
      // Forward [3,4]@[4,5] plus the gradient with respect to both inputs: three products of 120 FLOPs each.
      const x = tf.ones([3, 4]);
      const flops = await profileMatmulFlops(async () => {
        const grads = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.matMul(p, q)))([x, w]);
        tf.dispose(grads);
      });
      x.dispose();
      expect(flops).toBe(360);
      // Elementwise kernels are not counted.
      expect(await profileMatmulFlops(async () => tf.add(a, a).dispose())).toBe(0);
    } finally {
      tf.dispose([a, b, at, w]);
    }
  });
});
