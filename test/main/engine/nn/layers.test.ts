// The small layers every model is built from: linear (kernel layout), LayerNorm / RMSNorm,
// HF activations by name, the matMul patch embedding checked against a real conv2d, and the
// ParameterSet that holds their weights under HF names.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { activationFor, gelu, geluTanh, quickGelu, silu } from '../../../../src-main/engine/nn/activations';
import { layerNorm, rmsNorm } from '../../../../src-main/engine/nn/layer-norm';
import { kernelFromTorch, kernelToTorch, linear } from '../../../../src-main/engine/nn/linear';
import { engineShape, linearSpecs, ParameterSet, toEngineLayout, type ParamSpec } from '../../../../src-main/engine/nn/parameters';
import { patchEmbedding } from '../../../../src-main/engine/nn/patch-embedding';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const values = (t: tf.Tensor) => Array.from(t.dataSync());
function expectClose(actual: tf.Tensor | number[], expected: tf.Tensor | number[], tolerance: number): void {
  const a = Array.isArray(actual) ? actual : values(actual);
  const b = Array.isArray(expected) ? expected : values(expected);
  expect(a.length).toBe(b.length);
  const worst = Math.max(...a.map((v, i) => Math.abs(v - (b[i] as number))));
  expect(worst).toBeLessThanOrEqual(tolerance);
}

describe('linear', () => {
  it('equals x·Wᵀ + b with a PyTorch [out, in] weight converted once, over any leading shape', () => {
    const x = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 1);
    const weight = tf.randomNormal([5, 4], 0, 1, 'float32', 2);
    const bias = tf.randomNormal([5], 0, 1, 'float32', 3);
    const y = linear(x, kernelFromTorch(weight), bias);
    expect(y.shape).toEqual([2, 3, 5]);
    const reference = tf.add(tf.matMul(tf.reshape(x, [6, 4]), weight, false, true), bias);
    expectClose(y, reference, 1e-5);
    expectClose(kernelToTorch(kernelFromTorch(weight)), weight, 0);
  });

  it('names the mismatch when the input width is wrong', () => {
    expect(() => linear(tf.zeros([2, 3]), tf.zeros([4, 5]))).toThrow(
      'linear: input has 3 features on its last axis but the kernel expects 4',
    );
  });
});

describe('normalisation', () => {
  it('layerNorm matches PyTorch (biased variance, eps inside the root, affine)', () => {
    const x = tf.tensor2d([[1, 2, 3, 4], [-1, -1, -1, 5]]);
    const y = layerNorm(x, tf.tensor1d([1, 2, 1, 1]), tf.tensor1d([0, 0, 1, 0]), 1e-5);
    const row = (r: number[]) => {
      const mean = r.reduce((a, b) => a + b) / r.length;
      const variance = r.reduce((a, b) => a + (b - mean) ** 2, 0) / r.length;
      return r.map((v) => (v - mean) / Math.sqrt(variance + 1e-5));
    };
    const [a, b] = [row([1, 2, 3, 4]), row([-1, -1, -1, 5])];
    expectClose(y, [a[0]!, 2 * a[1]!, a[2]! + 1, a[3]!, b[0]!, 2 * b[1]!, b[2]! + 1, b[3]!], 1e-6);
  });

  it('rmsNorm scales by the root mean square, without centring', () => {
    expectClose(rmsNorm(tf.tensor2d([[3, 4]]), tf.tensor1d([1, 2]), 0), [3 / Math.sqrt(12.5), 8 / Math.sqrt(12.5)], 1e-6);
  });
});

describe('activations', () => {
  const xs = [-3, -1, -0.5, 0, 0.5, 1, 2, 3];
  // float64 values of each formula (Python's math module).
  const cases = [
    ['gelu', gelu, [-0.00404969409489031, -0.15865525393145707, -0.15426876936299344, 0, 0.34573123063700656, 0.8413447460685429, 1.9544997361036416, 2.99595030590511]],
    ['gelu_pytorch_tanh', geluTanh, [-0.0036373920817729943, -0.15880800939172324, -0.15428599017485606, 0, 0.34571400982514394, 0.8411919906082768, 1.954597694087775, 2.996362607918227]],
    ['quick_gelu', quickGelu, [-0.01807130970778597, -0.1542042340671787, -0.1496115633936199, 0, 0.35038843660638014, 0.8457957659328212, 1.9356586231442083, 2.981928690292214]],
    ['silu', silu, [-0.14227761953270035, -0.2689414213699951, -0.1887703343990727, 0, 0.3112296656009273, 0.7310585786300049, 1.7615941559557646, 2.8577223804672998]],
  ] as const;

  it.each(cases)('%s matches its formula to float32 precision, and is what hidden_act names', (name, fn, expected) => {
    expectClose(fn(tf.tensor1d(xs)), [...expected], 1e-6);
    expect(activationFor(name)).toBe(fn);
  });

  it('maps the HF aliases and rejects unknown names, listing the supported ones', () => {
    expect(activationFor('gelu_new')).toBe(geluTanh);
    expect(activationFor('swish')).toBe(silu);
    expect(() => activationFor('gelu_10')).toThrow(
      'Unsupported hidden_act "gelu_10": supported are gelu, gelu_new, gelu_pytorch_tanh, gelu_fast, quick_gelu, silu, swish, relu.',
    );
    expect(() => activationFor('toString')).toThrow('Unsupported hidden_act "toString"');
  });
});

describe('patchEmbedding', () => {
  it.each([
    ['image divisible by the patch', 12, 4],
    ['pixels past the last whole patch dropped, as a valid conv does', 11, 3],
  ])('equals Conv2d(stride = kernel = patch) then flatten(2).transpose(1, 2): %s', (_, size, patch) => {
    const pixels = tf.randomNormal([2, 3, size, size], 0, 1, 'float32', 4);
    const weight = tf.randomNormal([6, 3, patch, patch], 0, 1, 'float32', 5);
    const bias = tf.randomNormal([6], 0, 1, 'float32', 6);
    const spec: ParamSpec = { name: 'w', shape: [6, 3, patch, patch], layout: 'kernel', init: 'normal' };
    const tokens = patchEmbedding(pixels, patch, toEngineLayout(spec, weight), bias);
    const side = Math.floor(size / patch);
    expect(tokens.shape).toEqual([2, side * side, 6]);
    const conv = tf.conv2d(tf.transpose(pixels, [0, 2, 3, 1]) as tf.Tensor4D, tf.transpose(weight, [2, 3, 1, 0]) as tf.Tensor4D, patch, 'valid');
    expectClose(tokens, tf.reshape(tf.add(conv, bias), [2, side * side, 6]), 1e-4);
  });
});

const specs: ParamSpec[] = [
  ...linearSpecs('fc', 3, 2),
  { name: 'conv.weight', shape: [4, 2, 3, 3], layout: 'kernel', init: 'normal' },
  { name: 'norm.weight', shape: [2], layout: 'as-is', init: 'ones' },
];

describe('ParameterSet', () => {
  it('stores kernels transposed for plain matMuls and gives back the exact HF tensors', async () => {
    const hf: Record<string, tf.Tensor> = Object.fromEntries(
      specs.map((s, i) => [s.name, tf.randomNormal([...s.shape], 0, 1, 'float32', i + 1)]),
    );
    const set = ParameterSet.fromHf(specs, 'test', (spec) => hf[spec.name] as tf.Tensor);
    expect(set.get('fc.weight').shape).toEqual([3, 2]);
    expect(set.get('conv.weight').shape).toEqual([18, 4]);
    expect(engineShape(specs[2]!)).toEqual([18, 4]);
    expect(set.size()).toBe(6 + 2 + 72 + 2);
    const back = await set.toHf();
    for (const spec of specs) {
      expect(back[spec.name]!.shape).toEqual([...spec.shape]);
      expect(Array.from(back[spec.name]!.data)).toEqual(Array.from(hf[spec.name]!.dataSync()));
    }
    set.dispose();
  });

  it('rejects an HF tensor of the wrong shape', () => {
    expect(() => ParameterSet.fromHf(specs, 'test', (spec) => tf.zeros(spec.name === 'fc.bias' ? [3] : [...spec.shape]))).toThrow(
      'parameter "fc.bias": has shape [3], expected [2]',
    );
    expect(() => ParameterSet.fromHf(specs, 'test', (spec) => tf.zeros(spec.name === 'fc.bias' ? [3] : [...spec.shape]))).toThrow(
      expect.objectContaining({ code: 'CHECKPOINT_INCOMPATIBLE', details: { tensor: 'fc.bias', expected: [2], got: [3] } }),
    );
  });

  it('random init is seeded (same seed → same values), HF-like, and instances never share variable names', () => {
    const a = ParameterSet.randomInit(specs, 'toy', 7);
    const b = ParameterSet.randomInit(specs, 'toy', 7);
    const c = ParameterSet.randomInit(specs, 'toy', 8);
    expect(Array.from(a.get('fc.weight').dataSync())).toEqual(Array.from(b.get('fc.weight').dataSync()));
    expect(Array.from(a.get('fc.weight').dataSync())).not.toEqual(Array.from(c.get('fc.weight').dataSync()));
    expect(Array.from(a.get('fc.bias').dataSync())).toEqual([0, 0]);
    expect(Array.from(a.get('norm.weight').dataSync())).toEqual([1, 1]);
    const std = tf.sqrt(tf.moments(a.get('conv.weight')).variance).dataSync()[0]!;
    expect(std).toBeGreaterThan(0.01);
    expect(std).toBeLessThan(0.03);
    expect(a.get('fc.weight').name).not.toBe(b.get('fc.weight').name);
    expect(a.get('fc.weight').name.endsWith('/fc.weight')).toBe(true);
    expect(() => a.get('fc.missing')).toThrow('no parameter named "fc.missing"');
    for (const set of [a, b, c]) set.dispose();
  });
});
