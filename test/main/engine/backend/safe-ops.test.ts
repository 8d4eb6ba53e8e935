// logSigmoid as −softplus(−x): the values and gradient of log σ(x), also inside `minimize`, on cpu and wasm.

import { describe, expect, it } from 'vitest';
import { logSigmoid } from '../../../../src-main/engine/backend/safe-ops';
import * as tf from '../../../../src-main/engine/backend/tf';
import { expectClose, on, PARITY_BACKENDS } from './helpers';

const xs = [-30, -4, -0.5, 0, 0.5, 4, 30];
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

describe('logSigmoid', () => {
  for (const backend of PARITY_BACKENDS) {
    it(`is log σ(x) with gradient σ(−x), stable for large |x|, on ${backend}`, async () => {
      const { values, grads } = await on(backend, () => {
        const x = tf.tensor1d(xs);
        return {
          values: Array.from(logSigmoid(x).dataSync()),
          grads: Array.from(tf.grad((t: tf.Tensor) => tf.sum(logSigmoid(t)))(x).dataSync()),
        };
      });
      expectClose(values, xs.map((x) => (x < -20 ? x : Math.log(sigmoid(x)))), 1e-6, 'values');
      expectClose(grads, xs.map((x) => sigmoid(-x)), 1e-6, 'gradients');
      expect(values.every(Number.isFinite)).toBe(true);
    });

    it(`trains inside minimize on ${backend} (a DPO-style margin)`, async () => {
      const margin = await on(backend, () => {
        const w = tf.variable(tf.scalar(-1));
        const optimizer = tf.train.sgd(0.5);
        for (let i = 0; i < 20; i++) optimizer.minimize(() => tf.neg(logSigmoid(tf.mul(w, 2))) as tf.Scalar);
        return w.arraySync();
      });
      expect(margin).toBeGreaterThan(0.5);
    });
  }
});
