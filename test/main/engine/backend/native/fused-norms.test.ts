// The fused layer norm and RMSNorm kernels on native against the composed tfjs ops on cpu (the reference):
// the output and the gradient w.r.t. every input, over odd widths, a single row, one-wide rows and ~100k values.
import { afterAll, describe, expect, it } from 'vitest';
import { backendHasKernel } from '../../../../../src-main/engine/backend/native/fused/available';
import { PIVOT_LAYER_NORM, PIVOT_RMS_NORM } from '../../../../../src-main/engine/backend/native/fused/norms';
import { selectBackend } from '../../../../../src-main/engine/backend/select';
import * as tf from '../../../../../src-main/engine/backend/tf';
import { layerNorm, rmsNorm } from '../../../../../src-main/engine/nn/layer-norm';
import { seeded } from '../helpers';

type Norm = 'layer' | 'rms';

/** Seeded inputs: rows off zero mean with unit-ish spread, so centring and scaling both matter. */
function inputsOf(shape: number[]) {
  const cols = shape.at(-1)!;
  const size = tf.util.sizeFromShape(shape);
  return {
    x: seeded(size, 11, 2).map((v) => v + 0.7),
    gamma: seeded(cols, 12, 0.5).map((v) => v + 1),
    beta: seeded(cols, 13),
    dy: seeded(size, 14),
  };
}

/** The norm on `backend` and its gradient w.r.t. every input for the seeded dy, read back as plain arrays. */
async function run(backend: string, norm: Norm, shape: number[], eps: number) {
  await selectBackend(backend);
  const data = inputsOf(shape);
  return tf.tidy(() => {
    const x = tf.tensor(data.x, shape);
    const gamma = tf.tensor1d(data.gamma);
    const inputs = norm === 'layer' ? [x, gamma, tf.tensor1d(data.beta)] : [x, gamma];
    const f = (...t: tf.Tensor[]) => (norm === 'layer' ? layerNorm(t[0]!, t[1]!, t[2]!, eps) : rmsNorm(t[0]!, t[1]!, eps));
    const grads = tf.grads(f)(inputs, tf.tensor(data.dy, shape));
    return {
      fused: backendHasKernel(norm === 'layer' ? PIVOT_LAYER_NORM : PIVOT_RMS_NORM),
      y: f(...inputs).dataSync() as Float32Array,
      grads: grads.map((g) => g.dataSync() as Float32Array),
    };
  });
}

/**
 * max |rstd·dy·gamma|: the size of the terms dx is a difference of. Rows of one value cancel them to ~0, so there
 * dx is compared against this scale rather than its own.
 */
function dxTerms(norm: Norm, shape: number[], eps: number): number {
  const { x, gamma, dy } = inputsOf(shape);
  const cols = shape.at(-1)!;
  let largest = 0;
  for (let row = 0; row < x.length / cols; row++) {
    const values = Array.from(x.subarray(row * cols, (row + 1) * cols));
    const mean = norm === 'layer' ? values.reduce((a, b) => a + b, 0) / cols : 0;
    const rstd = 1 / Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / cols + eps);
    for (let j = 0; j < cols; j++) largest = Math.max(largest, Math.abs(rstd * dy[row * cols + j]! * gamma[j]!));
  }
  return largest;
}

/** max |actual − expected| ≤ rel · max(max |expected|, floor). */
function expectWithin(actual: Float32Array, expected: Float32Array, rel: number, floor: number, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let diff = 0;
  let scale = floor;
  expected.forEach((e, i) => {
    diff = Math.max(diff, Math.abs(actual[i]! - e));
    scale = Math.max(scale, Math.abs(e));
  });
  expect(diff / Math.max(scale, 1e-30), `${what}: max |diff| ${diff} against scale ${scale}`).toBeLessThanOrEqual(rel);
}

afterAll(() => selectBackend('cpu'));

const SHAPES: [string, number[]][] = [
  ['odd width, rank 3', [2, 3, 37]],
  ['one row', [1, 5]],
  ['rows of one value', [9, 1]],
  ['~100k values in many rows', [1563, 64]],
  ['few wide rows', [3, 4099]],
];

describe.each(['layer', 'rms'] as const)('fused %s norm on native against the composed ops on cpu', (norm) => {
  it.each(SHAPES)('%s %j: same output and gradients', async (_, shape) => {
    const eps = norm === 'layer' ? 1e-5 : 1e-6;
    const reference = await run('cpu', norm, shape, eps);
    const native = await run('native', norm, shape, eps);
    expect(reference.fused).toBe(false);
    expect(native.fused).toBe(true);
    // Relative to the largest value of each array (measured ≤ 2e-7): the kernel sums in double, the composed ops
    // in float32 steps.
    expectWithin(native.y, reference.y, 1e-6, 0, `${norm} norm output`);
    const names = norm === 'layer' ? ['dx', 'dgamma', 'dbeta'] : ['dx', 'dweight'];
    reference.grads.forEach((g, i) => {
      expectWithin(native.grads[i]!, g, 1e-6, i === 0 ? dxTerms(norm, shape, eps) : 0, `${norm} norm ${names[i]}`);
    });
  }, 60_000);
});
