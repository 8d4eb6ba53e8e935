// One training step of a small language model on cpu and on wasm: embedding gather, a self-attention mix,
// two linear layers with exact GELU, softmax cross-entropy against an int32 one-hot cast to float32, and an
// Adam update. Loss, every gradient and every updated weight must agree between the backends.

import { describe, expect, it } from 'vitest';
import * as tf from '../../../../src-main/engine/backend/tf';
import { expectClose, on, seeded } from './helpers';

const VOCAB = 48;
const CHANNELS = 16;
const HIDDEN = 32;
const BATCH = 2;
const TOKENS = 6;

const shapes: Record<string, number[]> = {
  embedding: [VOCAB, CHANNELS],
  w1: [CHANNELS, HIDDEN],
  b1: [HIDDEN],
  w2: [HIDDEN, VOCAB],
  b2: [VOCAB],
};
// Token 7 appears three times, so the embedding gradient sums repeated rows (UnsortedSegmentSum).
const tokens = [3, 7, 7, 1, 40, 7, 0, 12, 5, 5, 47, 9];
const targets = [7, 7, 1, 40, 7, 2, 12, 5, 5, 47, 9, 0];

function gelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.div(x, Math.SQRT2)), 1));
}

interface StepResult {
  loss: number;
  grads: Record<string, number[]>;
  updated: Record<string, number[]>;
}

function trainingStep(): StepResult {
  const params = Object.fromEntries(
    Object.entries(shapes).map(([name, shape], i) => {
      const initial = tf.tensor(seeded(tf.util.sizeFromShape(shape), 100 + i, 0.5), shape);
      return [name, tf.variable(initial, true, `${name}_${tf.getBackend()}`)];
    }),
  );
  const ids = tf.tensor2d(tokens, [BATCH, TOKENS], 'int32');
  const labels = tf.tensor1d(targets, 'int32');
  const loss = (): tf.Scalar => {
    const x = tf.gather(params.embedding, ids); // [B, T, C]
    // Attention without projections: batched products with a transposed operand, and their gradients.
    const scores = tf.softmax(tf.div(tf.matMul(x, x, false, true), Math.sqrt(CHANNELS))); // [B, T, T]
    const mixed = tf.add(x, tf.matMul(scores, x));
    const h = gelu(tf.add(tf.matMul(mixed, params.w1), params.b1)); // [B, T, H] from [B, T, C] @ [C, H]
    const logits = tf.reshape(tf.add(tf.matMul(h, params.w2), params.b2), [BATCH * TOKENS, VOCAB]);
    const oneHot = tf.cast(tf.oneHot(labels, VOCAB), 'float32');
    return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), -1)));
  };
  const { value, grads } = tf.variableGrads(loss);
  const result: StepResult = { loss: value.arraySync(), grads: {}, updated: {} };
  for (const [name, variable] of Object.entries(params)) {
    result.grads[name] = Array.from(grads[variable.name].dataSync());
  }
  tf.train.adam(1e-2).applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
  for (const [name, variable] of Object.entries(params)) result.updated[name] = Array.from(variable.dataSync());
  tf.dispose([...Object.values(params), ...Object.values(grads), value]);
  return result;
}

describe('one training step on cpu and wasm', () => {
  it('gives the same loss, gradients and Adam update', async () => {
    const cpu = await on('cpu', trainingStep);
    const wasm = await on('wasm', trainingStep);
    expect(cpu.loss).toBeGreaterThan(Math.log(VOCAB) * 0.5);
    expectClose([wasm.loss], [cpu.loss], 1e-4, 'loss');
    for (const name of Object.keys(shapes)) {
      expect(cpu.grads[name].some((g) => g !== 0), `${name} has a gradient`).toBe(true);
      expectClose(wasm.grads[name], cpu.grads[name], 1e-4, `gradient of ${name}`);
      expectClose(wasm.updated[name], cpu.updated[name], 1e-4, `${name} after Adam`);
    }
    // Rows of the embedding that no token uses get no gradient on either backend.
    const unused = Array.from({ length: VOCAB }, (_, v) => v).filter((v) => !tokens.includes(v));
    for (const v of unused) {
      expect(wasm.grads.embedding.slice(v * CHANNELS, (v + 1) * CHANNELS).every((g) => g === 0)).toBe(true);
    }
  });
});
