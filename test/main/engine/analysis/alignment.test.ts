// Mutual k-NN alignment: parity with the float64 reference fixture, the identity case, and the
// layer pair the layer-wise maximum reports.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { layerwiseAlignment, mutualKnn, outlierThreshold } from '../../../../src-main/engine/analysis/alignment';
import { readSafetensors } from '../../../../src-main/engine/io/safetensors';
import { Rng, spreadSeed } from '../../../../src-main/engine/random';

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/hf/alignment_reference.safetensors');

function rowsOf(data: Float32Array, n: number, dim: number): Float32Array[] {
  return Array.from({ length: n }, (_, i) => data.slice(i * dim, (i + 1) * dim));
}

function gaussian(n: number, dim: number, seed: number): Float32Array[] {
  const rng = new Rng(spreadSeed(seed));
  return Array.from({ length: n }, () => Float32Array.from({ length: dim }, () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next())));
}

describe('mutual k-NN', () => {
  it('matches the reference (k = 5, no clamp) to 1e-6', () => {
    const { tensors } = readSafetensors(FIXTURE);
    const a = tensors.features_a as { data: Float32Array; shape: number[] };
    const b = tensors.features_b as { data: Float32Array; shape: number[] };
    const expected = (tensors.mutual_knn_k5 as { data: Float32Array }).data[0] as number;
    const score = mutualKnn(rowsOf(a.data, a.shape[0] as number, a.shape[1] as number), rowsOf(b.data, b.shape[0] as number, b.shape[1] as number), { k: 5, clamp: false });
    expect(Math.abs(score - expected)).toBeLessThan(1e-6);
    expect(score).toBeGreaterThan(0);
  });

  it('is 1 for identical features (with and without the clamp), and for a rescaled copy', () => {
    const a = gaussian(50, 16, 1);
    expect(mutualKnn(a, a, { k: 10 })).toBe(1);
    expect(mutualKnn(a, a.map((r) => r.map((v) => 3 * v)), { k: 10, clamp: false })).toBe(1);
  });

  it('is near k/(n−1) for independent features', () => {
    const score = mutualKnn(gaussian(200, 32, 2), gaussian(200, 32, 3), { k: 10 });
    expect(score).toBeGreaterThan(0.01);
    expect(score).toBeLessThan(0.12); // chance 10/199 ≈ 0.05
  });

  it('rejects a k the sample count cannot give', () => {
    const a = gaussian(5, 4, 4);
    expect(() => mutualKnn(a, a, { k: 5 })).toThrow('mutual k-NN: k must be from 1 to 4 for 5 samples, got 5');
  });

  it('clamps at the mean per-sample 0.95 quantile of |x| (linear interpolation, as torch.quantile)', () => {
    // Sample 0: |x| = 0..20 (21 values) → q95 at position 19 = 19; sample 1: all 2 → 2. Mean 10.5.
    const s0 = Float32Array.from({ length: 21 }, (_, i) => (i % 2 ? -i : i));
    const s1 = new Float32Array(21).fill(2);
    expect(outlierThreshold([[s0, s1]])).toBeCloseTo(10.5, 12);
  });
});

describe('the clamped path (the default), against PyTorch in float64 (test/fixtures/hf/alignment_clamped_reference.py)', () => {
  const { tensors } = readSafetensors(FIXTURE);
  const a = tensors.features_a as { data: Float32Array; shape: number[] };
  const b = tensors.features_b as { data: Float32Array; shape: number[] };
  const rowsA = rowsOf(a.data, a.shape[0] as number, a.shape[1] as number);
  const rowsB = rowsOf(b.data, b.shape[0] as number, b.shape[1] as number);

  it('one layer each: the thresholds and the score', () => {
    const result = layerwiseAlignment([rowsA], [rowsB], { k: 5 });
    expect(result.clamp.thresholds?.vision).toBeCloseTo(1.859374770224094, 9);
    expect(result.clamp.thresholds?.lm).toBeCloseTo(9.003999628424646, 9);
    expect(result.max.score).toBeCloseTo(0.475, 12);
  });

  it('two layers each: one threshold per model over all its layers, and every pair\'s score', () => {
    const half = (a.shape[1] as number) / 2;
    const vision = [rowsA.map((r) => r.slice(0, half)), rowsA.map((r) => r.slice(half))];
    const lm = [rowsB, rowsB.map((r) => r.map((v) => 3 * v))];
    const result = layerwiseAlignment(vision, lm, { k: 5 });
    expect(result.clamp.thresholds?.vision).toBeCloseTo(1.859374770224094, 9);
    expect(result.clamp.thresholds?.lm).toBeCloseTo(22.762354214191426, 9);
    const expected = [[0.355, 0.355], [0.305, 0.315]];
    result.scores.forEach((row, v) => row.forEach((score, l) => expect(score, `vision ${v} × LM ${l}`).toBeCloseTo(expected[v]![l]!, 12)));
  });
});

describe('layerwise alignment', () => {
  it('finds the one pair built to agree, and reports the full score matrix', () => {
    const shared = gaussian(60, 8, 5);
    const vision = [gaussian(60, 8, 6), gaussian(60, 8, 7), shared.map((r) => r.map((v) => 2 * v)), gaussian(60, 8, 8)];
    const lm = [gaussian(60, 12, 9), shared.map((r) => Float32Array.from([...r, ...new Float32Array(4)])), gaussian(60, 12, 10)];
    const result = layerwiseAlignment(vision, lm, { k: 5, clamp: false });
    expect(result.scores).toHaveLength(4);
    expect(result.scores[0]).toHaveLength(3);
    expect(result.max).toEqual({ score: 1, visionLayer: 2, lmLayer: 1 });
    for (const [v, row] of result.scores.entries()) for (const [l, s] of row.entries()) if (v !== 2 || l !== 1) expect(s).toBeLessThan(0.5);
    // The clamp threshold is one per model (over all its layers), so it cuts the two copies at different
    // points and the agreement is no longer perfect — but the pair still stands out.
    const clamped = layerwiseAlignment(vision, lm, { k: 5 });
    expect(clamped.clamp.enabled).toBe(true);
    expect([clamped.max.visionLayer, clamped.max.lmLayer]).toEqual([2, 1]);
    expect(clamped.max.score).toBeGreaterThan(0.7);
  });
});
