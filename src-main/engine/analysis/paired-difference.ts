// DPO − SFT on one metric, done as a statistician would: the mean difference over seeds with a 95 % confidence
// interval, the effect size, and the verdict read off the interval (a direction only when it excludes 0) — never a
// threshold tuned to the data. Paired (a t-interval on the per-seed differences) when both sides were measured on
// the same seeds, which share the base checkpoint, the data order and the probe splits; a percentile bootstrap over
// each side's seeds otherwise.
import { meanStd } from '../probes/stats';
import { Rng, spreadSeed } from '../random';
import { tCritical } from './student-t';

/** One measurement: the seed it was made with (a branch seed, or a probe seed; null for a sample) and its value. */
export interface SeedValue {
  seed: number | null;
  value: number;
}

/** "better" / "worse" only when the interval excludes 0; fewer than two seeds a side cannot give an interval. */
export type DifferenceVerdict = 'better' | 'worse' | 'no difference detected' | 'too few seeds';

export type DifferenceMethod = 'paired t over seeds' | 'bootstrap over seeds';

export interface Difference {
  method: DifferenceMethod;
  /** Paired: the number of seed pairs; bootstrap: the smaller side's number of seeds. */
  n: number;
  /** Mean of `treated` − mean of `reference` (for paired seeds, the mean of the per-seed differences: the same). */
  mean: number;
  /** The confidence interval of `mean`, NaN with fewer than two seeds. */
  low: number;
  high: number;
  /** Paired: Cohen's d_z (mean difference / std of the differences); bootstrap: Cohen's d with the pooled std. */
  effectSize: number;
  verdict: DifferenceVerdict;
}

export interface DifferenceOptions {
  /** 1 − the confidence level; 0.05 unless given. */
  alpha?: number;
  /** Bootstrap resamples; 10 000 unless given. */
  resamples?: number;
}

function verdictOf(n: number, low: number, high: number): DifferenceVerdict {
  if (n < 2) return 'too few seeds';
  return low > 0 ? 'better' : high < 0 ? 'worse' : 'no difference detected';
}

function sameSeeds(a: readonly SeedValue[], b: readonly SeedValue[]): boolean {
  if ([...a, ...b].some((x) => x.seed === null)) return false;
  const seedsA = a.map((x) => x.seed as number).sort((x, y) => x - y);
  const seedsB = b.map((x) => x.seed as number).sort((x, y) => x - y);
  return new Set(seedsA).size === seedsA.length && seedsA.join() === seedsB.join();
}

function pairedT(treated: readonly SeedValue[], reference: readonly SeedValue[], alpha: number): Difference {
  const byseed = new Map(reference.map((r) => [r.seed, r.value]));
  const { mean, std, n } = meanStd(treated.map((t) => t.value - (byseed.get(t.seed) as number)));
  const half = n < 2 ? Number.NaN : (tCritical(alpha, n - 1) * std) / Math.sqrt(n);
  return { method: 'paired t over seeds', n, mean, low: mean - half, high: mean + half, effectSize: n < 2 ? Number.NaN : mean / std, verdict: verdictOf(n, mean - half, mean + half) };
}

function bootstrap(treated: readonly SeedValue[], reference: readonly SeedValue[], alpha: number, resamples: number): Difference {
  const a = treated.map((x) => x.value);
  const b = reference.map((x) => x.value);
  const sa = meanStd(a);
  const sb = meanStd(b);
  const n = Math.min(a.length, b.length);
  const mean = sa.mean - sb.mean;
  if (n < 2) return { method: 'bootstrap over seeds', n, mean, low: Number.NaN, high: Number.NaN, effectSize: Number.NaN, verdict: 'too few seeds' };
  // A fixed stream: the same measurements give the same interval on every run and machine.
  const rng = new Rng(spreadSeed(a.length * 1000 + b.length));
  const resampledMean = (xs: readonly number[]) => {
    let sum = 0;
    for (let i = 0; i < xs.length; i++) sum += xs[rng.int(0, xs.length - 1)] as number;
    return sum / xs.length;
  };
  const diffs = Float64Array.from({ length: resamples }, () => resampledMean(a) - resampledMean(b)).sort();
  const at = (q: number) => diffs[Math.min(resamples - 1, Math.max(0, Math.floor(q * resamples)))] as number;
  const low = at(alpha / 2);
  const high = at(1 - alpha / 2);
  const pooled = Math.sqrt(((a.length - 1) * sa.std ** 2 + (b.length - 1) * sb.std ** 2) / (a.length + b.length - 2));
  return { method: 'bootstrap over seeds', n, mean, low, high, effectSize: mean / pooled, verdict: verdictOf(n, low, high) };
}

/** `treated` − `reference` with its interval, paired when both were measured on the same seeds. */
export function seedDifference(treated: readonly SeedValue[], reference: readonly SeedValue[], options: DifferenceOptions = {}): Difference {
  const alpha = options.alpha ?? 0.05;
  return sameSeeds(treated, reference) ? pairedT(treated, reference, alpha) : bootstrap(treated, reference, alpha, options.resamples ?? 10_000);
}

/** A measured cell's finite values with their seeds (none for per-sample values: those are bootstrapped). */
export function seedValues(cell: { values: readonly (number | null)[]; seeds: readonly number[] | null }): SeedValue[] {
  return cell.values.flatMap((value, i) => (value !== null && Number.isFinite(value) ? [{ seed: cell.seeds?.[i] ?? null, value }] : []));
}
