// DPO − SFT with its 95 % interval and effect size: the expected numbers were computed with Python's statistics
// module and scipy.stats.t (t.ppf(0.975, df)); the verdict follows the interval alone.
import { describe, expect, it } from 'vitest';
import { seedDifference, seedValues, type SeedValue } from '../../../../src-main/engine/analysis/paired-difference';
import { tCritical } from '../../../../src-main/engine/analysis/student-t';

const seeded = (values: number[], seeds = values.map((_, i) => i + 1)): SeedValue[] => values.map((value, i) => ({ seed: seeds[i] as number, value }));

describe('tCritical', () => {
  it('equals scipy.stats.t.ppf(0.975, df)', () => {
    expect(tCritical(0.05, 1)).toBeCloseTo(12.706204736174694, 8);
    expect(tCritical(0.05, 2)).toBeCloseTo(4.302652729749462, 9);
    expect(tCritical(0.05, 4)).toBeCloseTo(2.7764451051977934, 9);
    expect(tCritical(0.05, 9)).toBeCloseTo(2.262157162798205, 9);
    expect(tCritical(0.05, 29)).toBeCloseTo(2.045229642132703, 9);
  });
});

describe('seedDifference on the same seeds (paired t over seeds)', () => {
  it('calls DPO better only when the whole interval is above 0', () => {
    const d = seedDifference(seeded([0.23, 0.26, 0.26, 0.21, 0.29]), seeded([0.2, 0.22, 0.21, 0.19, 0.23]));
    expect(d.method).toBe('paired t over seeds');
    expect(d.n).toBe(5);
    expect(d.mean).toBeCloseTo(0.04, 12);
    expect(d.low).toBeCloseTo(0.020367568385224428, 9);
    expect(d.high).toBeCloseTo(0.05963243161477556, 9);
    expect(d.effectSize).toBeCloseTo(2.529822128134704, 9);
    expect(d.verdict).toBe('better');
  });

  it('says "no difference detected" when the interval holds 0, even with a positive mean and d_z 1', () => {
    const d = seedDifference(seeded([0.21, 0.25, 0.19, 0.24, 0.23]), seeded([0.2, 0.22, 0.2, 0.21, 0.2]));
    expect(d.mean).toBeCloseTo(0.018, 12);
    expect(d.low).toBeCloseTo(-0.004211560841582359, 9);
    expect(d.high).toBeCloseTo(0.04021156084158235, 9);
    expect(d.effectSize).toBeCloseTo(1.0062305898749049, 9);
    expect(d.verdict).toBe('no difference detected');
  });

  it('pairs by seed, not by position, and calls a consistent drop worse', () => {
    const d = seedDifference(seeded([0.37, 0.35, 0.36], [3, 1, 2]), seeded([0.4, 0.42, 0.41], [1, 2, 3]));
    expect(d.method).toBe('paired t over seeds');
    expect(d.mean).toBeCloseTo(-0.05, 12);
    expect(d.low).toBeCloseTo(-0.07484137711750333, 9);
    expect(d.high).toBeCloseTo(-0.02515862288249669, 9);
    expect(d.effectSize).toBeCloseTo(-5, 9);
    expect(d.verdict).toBe('worse');
  });

  it('gives no interval and no direction for one seed', () => {
    const d = seedDifference(seeded([0.3]), seeded([0.2]));
    expect(d.n).toBe(1);
    expect(d.mean).toBeCloseTo(0.1, 12);
    expect(Number.isNaN(d.low) && Number.isNaN(d.high)).toBe(true);
    expect(d.verdict).toBe('too few seeds');
  });
});

describe('seedDifference on different seeds (bootstrap over seeds)', () => {
  it('bootstraps each side, reproducibly, with Cohen\'s d from the pooled std', () => {
    const dpo = seeded([0.5, 0.52, 0.51, 0.53], [1, 2, 3, 4]);
    const sft = seeded([0.4, 0.41, 0.42], [5, 6, 7]);
    const d = seedDifference(dpo, sft);
    expect(d.method).toBe('bootstrap over seeds');
    expect(d.n).toBe(3);
    expect(d.mean).toBeCloseTo(0.515 - 0.41, 12);
    // Pooled std: sqrt((3 · 0.000166… + 2 · 0.0001) / 5) (statistics.stdev of each side).
    expect(d.effectSize).toBeCloseTo(0.105 / Math.sqrt((3 * (0.0129099444873580 ** 2) + 2 * 0.01 ** 2) / 5), 6);
    // Every resample of DPO is ≥ 0.50 and of SFT ≤ 0.42: the interval lies within [0.08, 0.13].
    expect(d.low).toBeGreaterThanOrEqual(0.08 - 1e-12);
    expect(d.high).toBeLessThanOrEqual(0.13 + 1e-12);
    expect(d.verdict).toBe('better');
    expect(seedDifference(dpo, sft)).toEqual(d);
  });

  it('bootstraps per-sample values (no seeds), which are never paired', () => {
    const cell = { values: [1, 0, null, 1], seeds: null };
    expect(seedValues(cell)).toEqual([{ seed: null, value: 1 }, { seed: null, value: 0 }, { seed: null, value: 1 }]);
    expect(seedDifference(seedValues(cell), seedValues(cell)).method).toBe('bootstrap over seeds');
  });
});
