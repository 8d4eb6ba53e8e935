// Linear probe on synthetic features with known answers: separable → 1.0, noise labels → chance,
// the C grid follows the noise, results are reproducible, and the solver converges.
import { describe, expect, it } from 'vitest';
import { fitLogistic } from '../../../../src-main/engine/probes/logistic-regression';
import { linearProbe, LINEAR_PROBE_PROTOCOL, type PooledFeatures } from '../../../../src-main/engine/probes/linear-probe';
import { Rng, spreadSeed } from '../../../../src-main/engine/random';

function normal(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/** n samples of `dim` features: class k sits at `signal`·e_k plus unit Gaussian noise; labels flipped with `flip`. */
function synthetic(n: number, dim: number, classes: number, signal: number, flip: number, seed: number): { features: PooledFeatures; labels: Int32Array } {
  const rng = new Rng(spreadSeed(seed));
  const data = new Float32Array(n * dim);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = i % classes;
    for (let j = 0; j < dim; j++) data[i * dim + j] = normal(rng) + (j === k ? signal : 0);
    labels[i] = rng.next() < flip ? Math.floor(rng.next() * classes) : k;
  }
  return { features: { data, n, dim, withCls: false }, labels };
}

describe('linear probe', () => {
  it('scores 1.0 on linearly separable features, with every field of the result', () => {
    const { features, labels } = synthetic(240, 12, 4, 12, 0, 1);
    const r = linearProbe(features, labels, { classNames: ['a', 'b', 'c', 'd'] });
    expect(r.protocol).toBe(LINEAR_PROBE_PROTOCOL);
    expect(r.accuracy.perSeed).toEqual([1, 1, 1]);
    expect(r.accuracy.mean).toBe(1);
    expect(r.accuracy.std).toBe(0);
    expect(r.chance.uniform).toBe(0.25);
    expect(r.chance.majority).toBeCloseTo(0.25, 1);
    expect(r.ceiling).toBe(1);
    expect(r.perClass.map((c) => [c.name, c.accuracy])).toEqual([['a', 1], ['b', 1], ['c', 1], ['d', 1]]);
    for (const s of r.perSeed) {
      expect(s.converged).toBe(true);
      expect(s.sizes.train + s.sizes.val + s.sizes.test).toBe(240);
      expect(s.validation.map((v) => v.C)).toEqual([0.1, 1, 10, 100]);
    }
  });

  it('stays near chance when the labels are noise (|acc − 1/4| < 0.1 over 3 seeds)', () => {
    const { features, labels } = synthetic(400, 16, 4, 0, 1, 2);
    const r = linearProbe(features, labels);
    expect(Math.abs(r.accuracy.mean - 0.25)).toBeLessThan(0.1);
    expect(r.accuracy.perSeed).toHaveLength(3);
  });

  it('picks a larger C on clean data than on noisy, over-parameterised data', () => {
    const clean = synthetic(200, 10, 2, 6, 0, 3);
    const noisy = synthetic(200, 100, 2, 1.5, 0.6, 4);
    const cleanC = linearProbe(clean.features, clean.labels).perSeed.map((s) => s.chosenC);
    const noisyC = linearProbe(noisy.features, noisy.labels).perSeed.map((s) => s.chosenC);
    expect(Math.min(...cleanC)).toBeGreaterThan(Math.max(...noisyC));
  });

  it('is deterministic for a seed, and a fixed test split is used for every seed', () => {
    const { features, labels } = synthetic(120, 8, 3, 2, 0.2, 5);
    const split = Array.from({ length: 120 }, (_, i) => (i % 10 === 0 ? 'test' : 'train') as 'test' | 'train');
    const a = linearProbe(features, labels, { seeds: [7, 8], split });
    const b = linearProbe(features, labels, { seeds: [7, 8], split });
    expect(a).toEqual(b);
    expect(a.perSeed.map((s) => s.sizes.test)).toEqual([12, 12]);
  });

  it('skips unlabelled images (label −1)', () => {
    const { features, labels } = synthetic(90, 6, 3, 10, 0, 6);
    labels[0] = -1;
    labels[1] = -1;
    const r = linearProbe(features, labels, { seeds: [0] });
    const s = r.perSeed[0];
    expect((s?.sizes.train ?? 0) + (s?.sizes.val ?? 0) + (s?.sizes.test ?? 0)).toBe(88);
  });
});

describe('L-BFGS logistic regression', () => {
  it('reaches the gradient tolerance, and matches the 1-D closed form of a symmetric problem', () => {
    // Two points x = ±1 with labels 1 / 0. By symmetry the biases are equal and w = (−m/2, m/2), so the
    // objective is log(1 + e^{−m}) + m²/(8C), whose minimum satisfies σ(−m) = m/(4C).
    const x = { data: Float64Array.from([1, -1]), n: 2, dim: 1 };
    const fit = fitLogistic(x, Int32Array.from([1, 0]), 2, { C: 1, tolerance: 1e-10 });
    expect(fit.converged).toBe(true);
    const margin = (fit.weights[1] as number) - (fit.weights[0] as number);
    const sigma = 1 / (1 + Math.exp(margin));
    expect(sigma).toBeCloseTo(margin / 4, 8);
  });
});
