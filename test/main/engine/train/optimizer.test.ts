// The optimisation pieces against hand computations: AdamW's first two updates (decoupled decay, bias
// correction, per-group LR), the warm-up + cosine schedule at known steps, and global-norm clipping.
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../src-main/engine/backend/select';
import * as tf from '../../../../src-main/engine/backend/tf';
import { SafetensorsFile, writeSafetensors } from '../../../../src-main/engine/io/safetensors';
import { AdamW } from '../../../../src-main/engine/train/adamw';
import { clipByGlobalNorm } from '../../../../src-main/engine/train/grad-clip';
import { cosineWithWarmup, warmupSteps } from '../../../../src-main/engine/train/schedule';

beforeAll(async () => {
  await selectBackend('cpu');
});

/** PyTorch's AdamW for one scalar in float64: the parameter after each step, step t at learning rate lrs[t]. */
function adamwByHand(p0: number, grads: number[], lrs: number[], wd: number): number {
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  let [p, m, v] = [p0, 0, 0];
  grads.forEach((g, i) => {
    const t = i + 1;
    const lr = lrs[i] as number;
    p *= 1 - lr * wd;
    m = b1 * m + (1 - b1) * g;
    v = b2 * v + (1 - b2) * g * g;
    p -= (lr / (1 - b1 ** t)) * (m / (Math.sqrt(v) / Math.sqrt(1 - b2 ** t) + eps));
  });
  return p;
}

describe('AdamW', () => {
  it('matches a hand-computed two-step update, each group with its own LR, decay decoupled', () => {
    const w = tf.variable(tf.tensor1d([0.5, -1.5]), true, 'adamw-w');
    const e = tf.variable(tf.tensor1d([2.0]), true, 'adamw-e');
    const optimizer = new AdamW(
      [
        { name: 'main', lr: 0.1, variables: [['w', w]] },
        { name: 'encoder', lr: 0.01, variables: [['e', e]] },
      ],
      { weightDecay: 0.2 },
    );
    const steps = [[0.3, -0.7, 1.1], [-0.2, 0.4, 0.5]];
    const factors = [1, 0.5]; // the schedule's factor scales both groups
    steps.forEach((g, i) => {
      const grads = new Map<string, tf.Tensor>([['w', tf.tensor1d(g.slice(0, 2))], ['e', tf.tensor1d(g.slice(2))]]);
      optimizer.apply(grads, factors[i] as number);
      tf.dispose([...grads.values()]);
    });
    const want = [
      adamwByHand(0.5, [0.3, -0.2], [0.1, 0.05], 0.2),
      adamwByHand(-1.5, [-0.7, 0.4], [0.1, 0.05], 0.2),
      adamwByHand(2.0, [1.1, 0.5], [0.01, 0.005], 0.2),
    ];
    [...w.dataSync(), ...e.dataSync()].forEach((value, i) => expect(value).toBeCloseTo(want[i] as number, 6));
    // Adam's first step moves each weight by about lr (the normalised gradient is ±1), after the decay.
    expect(want[0]).not.toBeCloseTo(0.5, 2);
    optimizer.dispose();
    tf.dispose([w, e]);
  });

  it('skips a variable without a gradient, and saves and restores its state exactly', async () => {
    const a = tf.variable(tf.tensor1d([1, 2]), true, 'adamw-a');
    const b = tf.variable(tf.tensor1d([3]), true, 'adamw-b');
    const groups = [{ name: 'all', lr: 0.05, variables: [['a', a], ['b', b]] as [string, tf.Variable][] }];
    const first = new AdamW(groups);
    const ga = new Map<string, tf.Tensor>([['a', tf.tensor1d([0.1, -0.3])]]);
    first.apply(ga, 1);
    expect(Array.from(b.dataSync())).toEqual([3]);
    const { tensors, steps } = await first.state();
    expect(steps).toEqual({ a: 1, b: 0 });
    const second = new AdamW(groups);
    second.loadState(SafetensorsFile.open(writeSafetensors(tensors)), steps);
    const aFirst = tf.clone(a);
    first.apply(ga, 1);
    const afterFirst = Array.from(a.dataSync());
    a.assign(aFirst);
    second.apply(ga, 1);
    expect(Array.from(a.dataSync())).toEqual(afterFirst);
    tf.dispose([a, b, aFirst, ...ga.values()]);
    first.dispose();
    second.dispose();
  });
});

describe('cosine schedule with linear warm-up (transformers)', () => {
  it('rises linearly over ceil(ratio · total) steps, then follows half a cosine to 0', () => {
    expect(warmupSteps(100, 0.03)).toBe(3);
    expect(warmupSteps(10, 0.03)).toBe(1);
    expect([0, 1, 2].map((s) => cosineWithWarmup(s, 100, 0.03))).toEqual([0, 1 / 3, 2 / 3]);
    expect(cosineWithWarmup(3, 100, 0.03)).toBe(1);
    expect(cosineWithWarmup(3 + 97 / 2, 100, 0.03)).toBeCloseTo(0.5, 12);
    expect(cosineWithWarmup(3 + 97 / 4, 100, 0.03)).toBeCloseTo(0.5 * (1 + Math.cos(Math.PI / 4)), 12);
    expect(cosineWithWarmup(100, 100, 0.03)).toBeCloseTo(0, 12);
    expect(cosineWithWarmup(0, 10, 0)).toBe(1);
  });
});

describe('global-norm clipping', () => {
  it('scales every gradient by max / (norm + 1e-6) when the norm is above the limit, freeing each old one, and reports the norm before', () => {
    const original = [tf.tensor1d([3, 0]), tf.tensor2d([[0, 4]])];
    const grads = new Map([['a', original[0]!], ['b', original[1]!]]);
    const norm = clipByGlobalNorm(grads, 1);
    expect(norm).toBeCloseTo(5, 6);
    const scale = 1 / (5 + 1e-6);
    expect(Array.from(grads.get('a')!.dataSync())).toEqual([Math.fround(3 * scale), 0]);
    expect(grads.get('b')!.dataSync()[1]).toBeCloseTo(4 * scale, 7);
    expect(Math.hypot(...[...grads.values()].flatMap((g) => Array.from(g.dataSync())))).toBeCloseTo(1, 5);
    expect(original.every((g) => g.isDisposed)).toBe(true);
    const clipped = [...grads.values()];
    expect(clipByGlobalNorm(grads, 10)).toBeCloseTo(1, 5);
    expect(clipByGlobalNorm(grads, undefined)).toBeCloseTo(1, 5);
    expect([...grads.values()]).toEqual(clipped);
    tf.dispose(clipped);
  });

  it('refuses optimizer state that does not fit its variables as CHECKPOINT_INCOMPATIBLE, naming the file and tensor', () => {
    const a = tf.variable(tf.tensor1d([1, 2]), true, 'adamw-fit-a');
    const optimizer = new AdamW([{ name: 'all', lr: 0.05, variables: [['a', a]] }]);
    const narrow = { dtype: 'F32' as const, shape: [1], data: new Float32Array([0]) };
    const wrongShape = SafetensorsFile.open(writeSafetensors({ 'exp_avg.a': narrow, 'exp_avg_sq.a': narrow }), 'optimizer.safetensors');
    expect(() => optimizer.loadState(wrongShape, { a: 1 })).toThrow(expect.objectContaining({
      code: 'CHECKPOINT_INCOMPATIBLE',
      message: 'optimizer.safetensors: optimizer state "exp_avg.a" has shape [1], expected [2]',
      details: { file: 'optimizer.safetensors', tensor: 'exp_avg.a', expected: [2], got: [1] },
    }));
    const missing = SafetensorsFile.open(writeSafetensors({ 'exp_avg.a': { ...narrow, shape: [2], data: new Float32Array(2) } }), 'optimizer.safetensors');
    expect(() => optimizer.loadState(missing, { a: 1 })).toThrow(expect.objectContaining({
      code: 'CHECKPOINT_INCOMPATIBLE',
      details: { file: 'optimizer.safetensors', tensor: 'exp_avg_sq.a' },
    }));
    optimizer.dispose();
    a.dispose();
  });
});
