// One measured cell against another with its 95 % interval and effect size, the verdict following the interval
// alone. Expected numbers by hand or from Python's statistics module and scipy.stats.t (t.ppf(0.975, df)).
import { describe, expect, it } from 'vitest';
import { difference, type MeasuredValues } from '../../../src-shared/stats/difference';
import { differenceText, intervalText, verdictText } from '../../../src-shared/stats/difference-text';
import { tCritical } from '../../../src-shared/stats/student-t';

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const perSeed = (values: number[], seeds = values.map((_, i) => i + 1)): MeasuredValues => ({ mean: mean(values), spread: 'seeds', values, seeds });
const perSample = (values: number[], sampleIds?: string[]): MeasuredValues => ({ mean: mean(values), spread: 'samples', values, seeds: null, ...(sampleIds ? { sampleIds } : {}) });

describe('tCritical', () => {
  it('equals scipy.stats.t.ppf(0.975, df)', () => {
    expect(tCritical(0.05, 1)).toBeCloseTo(12.706204736174694, 8);
    expect(tCritical(0.05, 2)).toBeCloseTo(4.302652729749462, 9);
    expect(tCritical(0.05, 4)).toBeCloseTo(2.7764451051977934, 9);
    expect(tCritical(0.05, 9)).toBeCloseTo(2.262157162798205, 9);
    expect(tCritical(0.05, 29)).toBeCloseTo(2.045229642132703, 9);
  });
});

describe('difference on the same seeds (paired t over seeds)', () => {
  it('differences [1, 2, 3]: mean 2, half-width 4.303 · 1/√3 = 2.484, so [−0.484, 4.484] and no difference detected', () => {
    const d = difference(perSeed([1, 2, 3], [0, 1, 2]), perSeed([0, 0, 0], [0, 1, 2]))!;
    expect(d.method).toBe('paired t over seeds');
    expect(d.n).toBe(3);
    expect(d.mean).toBe(2);
    expect(d.low).toBeCloseTo(2 - 4.302652729749462 / Math.sqrt(3), 9);
    expect(d.high).toBeCloseTo(2 + 4.302652729749462 / Math.sqrt(3), 9);
    expect(d.effectSize).toBe(2);
    expect(d.verdict).toBe('no difference detected');
    expect(intervalText(d)).toBe('+2.000 [−0.484, +4.484]');
  });

  it('calls DPO higher only when the whole interval is above 0', () => {
    const d = difference(perSeed([0.23, 0.26, 0.26, 0.21, 0.29]), perSeed([0.2, 0.22, 0.21, 0.19, 0.23]))!;
    expect(d.n).toBe(5);
    expect(d.mean).toBeCloseTo(0.04, 12);
    expect(d.low).toBeCloseTo(0.020367568385224428, 9);
    expect(d.high).toBeCloseTo(0.05963243161477556, 9);
    expect(d.effectSize).toBeCloseTo(2.529822128134704, 9);
    expect(d.verdict).toBe('higher');
    expect(verdictText(d, 'DPO')).toBe('DPO higher');
    expect(differenceText(d)).toBe('+0.040 [+0.020, +0.060], d_z 2.53 (paired t over seeds, n 5)');
  });

  it('says "no difference detected" when the interval holds 0, even with a positive mean and d_z 1', () => {
    const d = difference(perSeed([0.21, 0.25, 0.19, 0.24, 0.23]), perSeed([0.2, 0.22, 0.2, 0.21, 0.2]))!;
    expect(d.mean).toBeCloseTo(0.018, 12);
    expect(d.low).toBeCloseTo(-0.004211560841582359, 9);
    expect(d.high).toBeCloseTo(0.04021156084158235, 9);
    expect(d.effectSize).toBeCloseTo(1.0062305898749049, 9);
    expect(d.verdict).toBe('no difference detected');
  });

  it('pairs by seed, not by position, and calls a consistent drop lower', () => {
    const d = difference(perSeed([0.37, 0.35, 0.36], [3, 1, 2]), perSeed([0.4, 0.42, 0.41], [1, 2, 3]))!;
    expect(d.method).toBe('paired t over seeds');
    expect(d.mean).toBeCloseTo(-0.05, 12);
    expect(d.low).toBeCloseTo(-0.07484137711750333, 9);
    expect(d.high).toBeCloseTo(-0.02515862288249669, 9);
    expect(d.effectSize).toBeCloseTo(-5, 9);
    expect(d.verdict).toBe('lower');
  });

  it('gives no interval and no direction for one seed; a missing cell or mean gives no difference at all', () => {
    const d = difference(perSeed([0.3]), perSeed([0.2]))!;
    expect(d.n).toBe(1);
    expect(d.mean).toBeCloseTo(0.1, 12);
    expect(Number.isNaN(d.low) && Number.isNaN(d.high)).toBe(true);
    expect(d.verdict).toBe('too few seeds');
    expect(differenceText(d)).toBe('+0.100 (1 seed: no interval)');
    expect(difference(null, perSeed([0.2]))).toBeNull();
    expect(difference({ ...perSeed([0.3, 0.4]), mean: null }, perSeed([0.2, 0.1]))).toBeNull();
  });
});

describe('difference of single measurements', () => {
  it('has no noise estimate: the difference of the two numbers, no interval, no direction', () => {
    const single = (x: number): MeasuredValues => ({ mean: x, spread: 'single', values: [x], seeds: null });
    const d = difference(single(0.29), single(0.31))!;
    expect(d).toMatchObject({ method: 'single measurements', n: 1, verdict: 'no noise estimate' });
    expect(d.mean).toBeCloseTo(-0.02, 12);
    expect(intervalText(d)).toBe('−0.020');
    expect(differenceText(d)).toBe('−0.020 (single measurements: no interval)');
  });
});

describe('difference on the same samples (paired bootstrap over samples)', () => {
  // 200 QA questions: SFT answers the first 100 right; DPO the same 100 and 10 more (questions 100–109). The columns
  // differ on exactly those 10 questions, always in DPO's favour.
  const ids = Array.from({ length: 200 }, (_, i) => `pairs.jsonl:${i + 1}`);
  const sft = Array.from({ length: 200 }, (_, i) => (i < 100 ? 1 : 0));
  const dpo = Array.from({ length: 200 }, (_, i) => (i < 110 ? 1 : 0));

  it('excludes 0 where the unpaired bootstrap of the same numbers would not', () => {
    const d = difference(perSample(dpo, ids), perSample(sft, ids))!;
    expect(d.method).toBe('paired bootstrap over samples');
    expect(d.n).toBe(200);
    expect(d.mean).toBeCloseTo(0.05, 12);
    // The per-question differences are ten 1s and 190 0s: std √(9.5/199), d_z 0.05 / that.
    expect(d.effectSize).toBeCloseTo(0.05 / Math.sqrt(9.5 / 199), 9);
    // A resample's mean is (ones drawn)/200, ones ~ Binomial(200, 0.05): its 2.5 % and 97.5 % points are 4 and 17.
    expect(d.low).toBeGreaterThanOrEqual(0.015);
    expect(d.low).toBeLessThanOrEqual(0.03);
    expect(d.high).toBeGreaterThanOrEqual(0.075);
    expect(d.high).toBeLessThanOrEqual(0.09);
    expect(d.verdict).toBe('higher');
    expect(difference(perSample(dpo, ids), perSample(sft, ids))).toEqual(d);

    // Without the question ids (a report written before intervals) the two columns are resampled apart: 0.55 vs 0.50
    // with a standard error near 0.05 each, an interval holding 0.
    const unpaired = difference(perSample(dpo), perSample(sft))!;
    expect(unpaired.method).toBe('bootstrap over samples');
    expect(unpaired.mean).toBeCloseTo(0.05, 12);
    expect(unpaired.low).toBeLessThan(0);
    expect(unpaired.high).toBeGreaterThan(0.1);
    expect(unpaired.verdict).toBe('no difference detected');
  });

  it('pairs only cells that name the very same samples in the same order', () => {
    const shifted = [...ids.slice(1), ids[0]!];
    expect(difference(perSample(dpo, shifted), perSample(sft, ids))!.method).toBe('bootstrap over samples');
    expect(difference(perSample(dpo, ids.slice(0, 199)), perSample(sft, ids))!.method).toBe('bootstrap over samples');
  });
});

describe('difference on different seeds (bootstrap over seeds)', () => {
  it('bootstraps each side, reproducibly, with Cohen\'s d from the pooled std', () => {
    const dpo = perSeed([0.5, 0.52, 0.51, 0.53], [1, 2, 3, 4]);
    const sft = perSeed([0.4, 0.41, 0.42], [5, 6, 7]);
    const d = difference(dpo, sft)!;
    expect(d.method).toBe('bootstrap over seeds');
    expect(d.n).toBe(3);
    expect(d.mean).toBeCloseTo(0.515 - 0.41, 12);
    // Pooled std: sqrt((3 · 0.000166… + 2 · 0.0001) / 5) (statistics.stdev of each side).
    expect(d.effectSize).toBeCloseTo(0.105 / Math.sqrt((3 * (0.0129099444873580 ** 2) + 2 * 0.01 ** 2) / 5), 6);
    // Every resample of DPO is ≥ 0.50 and of SFT ≤ 0.42: the interval lies within [0.08, 0.13].
    expect(d.low).toBeGreaterThanOrEqual(0.08 - 1e-12);
    expect(d.high).toBeLessThanOrEqual(0.13 + 1e-12);
    expect(d.verdict).toBe('higher');
    expect(difference(dpo, sft)).toEqual(d);
  });

  it('gives the very numbers the engine-only implementation gave (src-main/engine/analysis/paired-difference.ts at 20b687d)', () => {
    expect(difference(perSeed([0.5, 0.52, 0.51, 0.53], [1, 2, 3, 4]), perSeed([0.4, 0.41, 0.42], [5, 6, 7]))).toEqual({
      method: 'bootstrap over seeds', n: 3, mean: 0.10500000000000004, low: 0.09083333333333338, high: 0.11916666666666664, effectSize: 8.874119674649426, verdict: 'higher',
    });
    expect(difference(perSeed([0.23, 0.26, 0.26, 0.21, 0.29]), perSeed([0.2, 0.22, 0.21, 0.19, 0.23]))).toEqual({
      method: 'paired t over seeds', n: 5, mean: 0.039999999999999994, low: 0.02036756838522391, high: 0.05963243161477608, effectSize: 2.529822128134704, verdict: 'higher',
    });
    expect(difference(perSeed([0.5, 0.61, 0.47], [1, 2, 3]), perSeed([0.45, 0.5, 0.44, 0.52], [4, 5, 6, 7]))).toEqual({
      method: 'bootstrap over seeds', n: 3, mean: 0.049166666666666636, low: -0.020000000000000018, high: 0.13, effectSize: 0.887604502394309, verdict: 'no difference detected',
    });
  });

  it('skips values JSON wrote as null', () => {
    const d = difference({ mean: 0.5, spread: 'seeds', values: [0.4, null, 0.6], seeds: [0, 1, 2] }, { mean: 0.3, spread: 'seeds', values: [0.3, 0.3, 0.3], seeds: [0, 1, 2] })!;
    expect(d.method).toBe('bootstrap over seeds');
    expect(d.n).toBe(2);
    expect(d.mean).toBeCloseTo(0.2, 12);
  });
});
