// The fused activations (gelu, gelu_pytorch_tanh, silu, quick_gelu) on native against the composed formulas on cpu:
// the value and the gradient, over a range that reaches both tails and the small-|x| branch of the fast tanh. Also
// the fast tanh and sigmoid the unary Tanh and Sigmoid kernels use.
import { afterAll, describe, expect, it } from 'vitest';
import { PIVOT_ACTIVATION } from '../../../../../src-main/engine/backend/native/fused/activations';
import { backendHasKernel } from '../../../../../src-main/engine/backend/native/fused/available';
import { selectBackend } from '../../../../../src-main/engine/backend/select';
import * as tf from '../../../../../src-main/engine/backend/tf';
import { gelu, geluTanh, quickGelu, silu, type Activation } from '../../../../../src-main/engine/nn/activations';
import { expectClose, seeded } from '../helpers';

// 4001 values in [−12, 12] (both tails, and |x| < 0.625 densely) then seeded ones, an odd count.
const X = Float32Array.from([...Array.from({ length: 4001 }, (_, i) => -12 + (24 * i) / 4000), ...seeded(777, 5, 3)]);
const DY = seeded(X.length, 6);

async function run(backend: string, f: Activation) {
  await selectBackend(backend);
  return tf.tidy(() => {
    const x = tf.tensor1d(X);
    const grad = tf.grad(f)(x, tf.tensor1d(DY));
    return { fused: backendHasKernel(PIVOT_ACTIVATION), y: f(x).dataSync() as Float32Array, dx: grad.dataSync() as Float32Array };
  });
}

afterAll(() => selectBackend('cpu'));

describe.each([
  ['gelu', gelu],
  ['gelu_pytorch_tanh', geluTanh],
  ['silu', silu],
  ['quick_gelu', quickGelu],
] as const)('fused %s on native', (_name, f) => {
  it('matches the composed formula on cpu, value and gradient (≤ 2e-6 relative)', async () => {
    const cpu = await run('cpu', f);
    const native = await run('native', f);
    expect([cpu.fused, native.fused]).toEqual([false, true]);
    expectClose(native.y, cpu.y, 2e-6, 'value');
    expectClose(native.dx, cpu.dx, 2e-6, 'gradient');
  });
});

describe('the fast tanh and sigmoid', () => {
  it('match Math.tanh and the logistic function to float32 precision, small |x| included', async () => {
    await selectBackend('native');
    const tiny = Float32Array.from([1e-6, -3e-5, 0.001, -0.3, 0.6249, 0.6251, 5, -20, 0]);
    const x = Float32Array.from([...X, ...tiny]);
    const tanh = tf.tanh(tf.tensor1d(x)).dataSync();
    const sigmoid = tf.sigmoid(tf.tensor1d(x)).dataSync();
    x.forEach((v, i) => {
      // Relative to the value itself, so tanh(1e-6) must be 1e-6 to float32 precision, not merely near 0.
      const t = Math.tanh(v);
      expect(Math.abs(tanh[i]! - t), `tanh(${v})`).toBeLessThanOrEqual(Math.max(Math.abs(t), 1e-30) * 4e-7);
      const s = 1 / (1 + Math.exp(-v));
      expect(Math.abs(sigmoid[i]! - s), `sigmoid(${v})`).toBeLessThanOrEqual(s * 4e-7);
    });
  });
});
