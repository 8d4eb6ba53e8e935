// One measured number against another (DPO − SFT on one metric), done as a statistician would: the mean difference
// with a 95 % confidence interval, the effect size, and the verdict read off the interval (a direction only when it
// excludes 0) — never a threshold tuned to the data. Every rendering judges by it: the Compare tab, the CLI table,
// CSV / Markdown, report.json, report.html and the sweep. How the interval is made follows how the two were measured:
// - on the same seeds (a probe's split / MLP seeds, a sweep's branch seeds: the same base checkpoint, data order and
//   probe splits): a paired t-interval on the per-seed differences;
// - on the same samples (QA's questions, Grad-CAM's pairs, named in `sampleIds`): a paired bootstrap over the samples
//   (resampled sample indices, the mean of the per-sample differences);
// - otherwise: a percentile bootstrap over each side's values, unpaired.
import { Rng, spreadSeed } from '../random';
import { meanStd } from './mean-std';
import { tCritical } from './student-t';

/** What a difference is taken between: a measured cell's values and what they are per (a report's MetricCell). */
export interface MeasuredValues {
  mean: number | null;
  spread: 'seeds' | 'samples' | 'single';
  /** Per seed or per sample; null where JSON wrote a NaN. */
  values: readonly (number | null)[];
  /** The seed behind each value, when they are per seed. */
  seeds: readonly number[] | null;
  /** The sample (question, pair) behind each value, when they are per sample; absent in reports before intervals. */
  sampleIds?: readonly string[] | null;
}

/**
 * A direction only when the interval excludes 0; fewer than two seeds (or samples) give no interval, and two single
 * measurements (no seeds, no samples) no noise estimate at all.
 */
export type DifferenceVerdict = 'higher' | 'lower' | 'no difference detected' | 'too few seeds' | 'no noise estimate';

export type DifferenceMethod =
  | 'paired t over seeds'
  | 'bootstrap over seeds'
  | 'paired bootstrap over samples'
  | 'bootstrap over samples'
  | 'single measurements';

export interface Difference {
  method: DifferenceMethod;
  /** Paired: the number of pairs; unpaired: the smaller side's number of values; single measurements: 1. */
  n: number;
  /** `treated` − `reference`: for pairs the mean of the per-pair differences (the difference of the means). */
  mean: number;
  /** The confidence interval of `mean`; NaN without one. */
  low: number;
  high: number;
  /** Paired: Cohen's d_z (mean difference / std of the differences); unpaired: Cohen's d with the pooled std. */
  effectSize: number;
  verdict: DifferenceVerdict;
}

export interface DifferenceOptions {
  /** 1 − the confidence level; 0.05 unless given. */
  alpha?: number;
  /** Bootstrap resamples; 10 000 unless given. */
  resamples?: number;
}

const finite = (x: number | null | undefined): x is number => x !== null && x !== undefined && Number.isFinite(x);

/** The verdict read off the interval: fewer than two values give none. */
function judged(method: DifferenceMethod, n: number, mean: number, low: number, high: number, effectSize: number): Difference {
  if (n < 2) return { method, n, mean, low: Number.NaN, high: Number.NaN, effectSize: Number.NaN, verdict: 'too few seeds' };
  return { method, n, mean, low, high, effectSize, verdict: low > 0 ? 'higher' : high < 0 ? 'lower' : 'no difference detected' };
}

/** The finite values of a cell, with the seed behind each when the cell has seeds. */
function seedValues(cell: MeasuredValues): { seed: number | null; value: number }[] {
  return cell.values.flatMap((value, i) => (finite(value) ? [{ seed: cell.seeds?.[i] ?? null, value }] : []));
}

/** Both measured on one set of seeds, each seed once. */
function sameSeeds(a: MeasuredValues, b: MeasuredValues): boolean {
  const seedsOf = (c: MeasuredValues) => seedValues(c).map((x) => x.seed);
  const seedsA = seedsOf(a);
  const seedsB = seedsOf(b);
  if ([...seedsA, ...seedsB].some((s) => s === null)) return false;
  const sorted = (s: (number | null)[]) => (s as number[]).sort((x, y) => x - y).join();
  return new Set(seedsA).size === seedsA.length && sorted(seedsA) === sorted(seedsB);
}

/** Both measured on the very same samples, in the same order. */
function sameSamples(a: MeasuredValues, b: MeasuredValues): boolean {
  const ids = (c: MeasuredValues) => (c.sampleIds && c.sampleIds.length === c.values.length ? c.sampleIds : null);
  const idsA = ids(a);
  const idsB = ids(b);
  return idsA !== null && idsB !== null && idsA.length > 0 && idsA.join('\n') === idsB.join('\n');
}

function pairedT(treated: MeasuredValues, reference: MeasuredValues, alpha: number): Difference {
  const bySeed = new Map(seedValues(reference).map((r) => [r.seed, r.value]));
  const { mean, std, n } = meanStd(seedValues(treated).map((t) => t.value - (bySeed.get(t.seed) as number)));
  const half = n < 2 ? Number.NaN : (tCritical(alpha, n - 1) * std) / Math.sqrt(n);
  return judged('paired t over seeds', n, mean, mean - half, mean + half, mean / std);
}

/** The two-sided percentile interval of sorted resampled statistics. */
function percentileInterval(sorted: Float64Array, alpha: number): { low: number; high: number } {
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * sorted.length)))] as number;
  return { low: at(alpha / 2), high: at(1 - alpha / 2) };
}

/** Resample `xs` with replacement and return the mean; `rng` advances by xs.length draws. */
function resampledMean(xs: readonly number[], rng: Rng): number {
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += xs[rng.int(0, xs.length - 1)] as number;
  return sum / xs.length;
}

function pairedBootstrap(treated: MeasuredValues, reference: MeasuredValues, alpha: number, resamples: number): Difference {
  const diffs = treated.values.flatMap((t, i) => {
    const r = reference.values[i];
    return finite(t) && finite(r) ? [t - r] : [];
  });
  const { mean, std, n } = meanStd(diffs);
  if (n < 2) return judged('paired bootstrap over samples', n, mean, Number.NaN, Number.NaN, Number.NaN);
  // A fixed stream: the same measurements give the same interval on every run and machine, in the engine and the window.
  const rng = new Rng(spreadSeed(n));
  const means = Float64Array.from({ length: resamples }, () => resampledMean(diffs, rng)).sort();
  const { low, high } = percentileInterval(means, alpha);
  return judged('paired bootstrap over samples', n, mean, low, high, mean / std);
}

function bootstrap(treated: MeasuredValues, reference: MeasuredValues, alpha: number, resamples: number): Difference {
  const method: DifferenceMethod = treated.spread === 'samples' || reference.spread === 'samples' ? 'bootstrap over samples' : 'bootstrap over seeds';
  const a = seedValues(treated).map((x) => x.value);
  const b = seedValues(reference).map((x) => x.value);
  const sa = meanStd(a);
  const sb = meanStd(b);
  const n = Math.min(a.length, b.length);
  const mean = sa.mean - sb.mean;
  if (n < 2) return judged(method, n, mean, Number.NaN, Number.NaN, Number.NaN);
  const rng = new Rng(spreadSeed(a.length * 1000 + b.length));
  const diffs = Float64Array.from({ length: resamples }, () => resampledMean(a, rng) - resampledMean(b, rng)).sort();
  const { low, high } = percentileInterval(diffs, alpha);
  const pooled = Math.sqrt(((a.length - 1) * sa.std ** 2 + (b.length - 1) * sb.std ** 2) / (a.length + b.length - 2));
  return judged(method, n, mean, low, high, mean / pooled);
}

/** A measurement with no seeds and no samples behind it (one alignment score): nothing to estimate noise from. */
const singleMeasurement = (c: MeasuredValues) => c.spread === 'single' && !(c.seeds && c.seeds.length > 0);

/**
 * `treated` − `reference` with its 95 % interval, paired where both were measured on the same seeds or samples; null
 * when either is missing or has no finite mean. Fewer than two values a side: the difference of the cells' means.
 */
export function difference(
  treated: MeasuredValues | null | undefined, reference: MeasuredValues | null | undefined, options: DifferenceOptions = {},
): Difference | null {
  if (!treated || !reference || !finite(treated.mean) || !finite(reference.mean)) return null;
  const alpha = options.alpha ?? 0.05;
  const resamples = options.resamples ?? 10_000;
  const means = treated.mean - reference.mean;
  if (singleMeasurement(treated) && singleMeasurement(reference)) {
    return { method: 'single measurements', n: 1, mean: means, low: Number.NaN, high: Number.NaN, effectSize: Number.NaN, verdict: 'no noise estimate' };
  }
  const d = sameSeeds(treated, reference)
    ? pairedT(treated, reference, alpha)
    : sameSamples(treated, reference) ? pairedBootstrap(treated, reference, alpha, resamples) : bootstrap(treated, reference, alpha, resamples);
  // Cells whose values were not kept (or hold one each) still have means to set apart, with no interval.
  return d.n === 0 ? { ...d, mean: means } : d;
}
