// The linear probe (protocol `linear-probe/mean-pooled-l2`): mean-pooled, L2-normalised patch tokens
// → multinomial logistic regression (L-BFGS), C chosen on a validation split, mean ± std over split seeds.
import { encodeBatches, type FeatureEncoder } from './encoder';
import { fitLogistic, predict, type LogisticModel, type Matrix } from './logistic-regression';
import { Rng, spreadSeed } from '../random';
import { meanStd, stratifiedSplit, type MeanStd } from './stats';
import type { ProbeSplit } from './image-folder';

export const LINEAR_PROBE_PROTOCOL = 'linear-probe/mean-pooled-l2';
export const DEFAULT_C_GRID = [0.1, 1, 10, 100] as const;

/** One row per image: [mean-pooled patch tokens, L2-normalised] (+ [class token, L2-normalised]). */
export interface PooledFeatures {
  data: Float32Array;
  n: number;
  dim: number;
  withCls: boolean;
}

function l2NormaliseInto(out: Float32Array, at: number, values: Float64Array | Float32Array): void {
  let norm = 0;
  for (const v of values) norm += v * v;
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let j = 0; j < values.length; j++) out[at + j] = (values[j] as number) * scale;
}

/** Writes one image's feature row at `at`: its patch tokens' mean, L2-normalised, then its class token, L2-normalised. */
function poolInto(out: Float32Array, at: number, patchTokens: Float32Array, patches: number, channels: number, cls?: Float32Array): void {
  const mean = new Float64Array(channels);
  for (let p = 0; p < patches; p++) for (let c = 0; c < channels; c++) mean[c] = (mean[c] as number) + (patchTokens[p * channels + c] as number) / patches;
  l2NormaliseInto(out, at, mean);
  if (cls) l2NormaliseInto(out, at + channels, cls);
}

const noCls = () => new Error('linear probe: withCls was asked for, but this encoder has no class token');

/**
 * Pools images' encoder output: the mean over patches, then L2-normalised (the feature is a unit
 * vector, so C means the same across encoders of any scale); with `withCls` the class token,
 * normalised on its own, is appended (an error for an encoder without one). One batch in memory at a time.
 */
export async function extractPooledFeatures(
  encoder: FeatureEncoder,
  images: readonly Float32Array[],
  size: number,
  options: { withCls?: boolean; batchSize?: number } = {},
): Promise<PooledFeatures> {
  const withCls = options.withCls ?? false;
  let data = new Float32Array(0);
  let dim = 0;
  await encodeBatches(encoder, images, size, (b) => {
    if (withCls && !b.cls) throw noCls();
    if (dim === 0) {
      dim = withCls ? 2 * b.channels : b.channels;
      data = new Float32Array(images.length * dim);
    }
    const each = b.patches * b.channels;
    for (let i = 0; i < b.count; i++) {
      const cls = withCls ? (b.cls as Float32Array).subarray(i * b.channels, (i + 1) * b.channels) : undefined;
      poolInto(data, (b.from + i) * dim, b.patchTokens.subarray(i * each, (i + 1) * each), b.patches, b.channels, cls);
    }
  }, { batchSize: options.batchSize });
  return { data, n: images.length, dim, withCls };
}

/** The same features from tokens already extracted (`encodePatchTokens`), so one encoder pass can serve both probes. */
export function poolPatchTokens(
  encoded: { tokens: readonly Float32Array[]; cls?: readonly Float32Array[]; patches: number; channels: number },
  options: { withCls?: boolean } = {},
): PooledFeatures {
  const withCls = options.withCls ?? false;
  if (withCls && !encoded.cls) throw noCls();
  const dim = withCls ? 2 * encoded.channels : encoded.channels;
  const data = new Float32Array(encoded.tokens.length * dim);
  encoded.tokens.forEach((t, i) => poolInto(data, i * dim, t, encoded.patches, encoded.channels, withCls ? encoded.cls?.[i] : undefined));
  return { data, n: encoded.tokens.length, dim, withCls };
}

export interface LinearProbeOptions {
  /** Split seeds; each gives its own train / validation (/ test) split. Default [0, 1, 2]. */
  seeds?: readonly number[];
  /** Default {0.1, 1, 10, 100}. */
  cGrid?: readonly number[];
  /** Share of the training images held out to choose C. Default 0.2. */
  valFraction?: number;
  /** Share held out for test when `split` does not fix the test set. Default 0.2. */
  testFraction?: number;
  /** A fixed split per image (e.g. the Shapes world's); 'test' images form the test set for every seed. */
  split?: readonly (ProbeSplit | undefined)[];
  classNames?: readonly string[];
  /** L-BFGS stopping tolerance on max |gradient|. Default 1e-6. */
  tolerance?: number;
  maxIterations?: number;
}

export interface LinearProbeSeed {
  seed: number;
  accuracy: number;
  /** Accuracy on the images it was refitted on: the probe's own ceiling for these features. */
  trainAccuracy: number;
  chosenC: number;
  validation: { C: number; accuracy: number; logLoss: number }[];
  /** Accuracy of always answering the training set's most frequent class. */
  majorityAccuracy: number;
  iterations: number;
  converged: boolean;
  sizes: { train: number; val: number; test: number };
}

export interface LinearProbeResult {
  protocol: typeof LINEAR_PROBE_PROTOCOL;
  solver: string;
  features: { dim: number; withCls: boolean; pooling: string };
  accuracy: MeanStd & { perSeed: number[] };
  trainAccuracy: MeanStd;
  /** 1/classes with labels, and the majority-class rate (mean over seeds). */
  chance: { uniform: number; majority: number };
  /** The best reachable score: every test image right. */
  ceiling: number;
  classNames: string[];
  perClass: { name: string; accuracy: number | null; support: number }[];
  perSeed: LinearProbeSeed[];
  cGrid: number[];
}

function rows(features: PooledFeatures, indices: readonly number[]): Matrix {
  const { dim } = features;
  const data = new Float64Array(indices.length * dim);
  indices.forEach((i, r) => {
    for (let j = 0; j < dim; j++) data[r * dim + j] = features.data[i * dim + j] as number;
  });
  return { data, n: indices.length, dim };
}

const accuracyOf = (pred: Int32Array, truth: Int32Array) => (truth.length === 0 ? Number.NaN : pred.reduce((a, p, i) => a + (p === truth[i] ? 1 : 0), 0) / truth.length);

/**
 * Runs the protocol on pooled features and integer labels (a negative label = unlabelled, skipped).
 * The regression only sees the classes present in its training images, so an unseen test class counts
 * as wrong rather than stalling the solver.
 */
export function linearProbe(features: PooledFeatures, labels: ArrayLike<number>, options: LinearProbeOptions = {}): LinearProbeResult {
  const seeds = options.seeds ?? [0, 1, 2];
  const cGrid = [...(options.cGrid ?? DEFAULT_C_GRID)].sort((a, b) => a - b);
  if (labels.length !== features.n) throw new Error(`linear probe: ${labels.length} labels for ${features.n} feature rows`);
  const labelled = Array.from({ length: features.n }, (_, i) => i).filter((i) => (labels[i] as number) >= 0);
  const numClasses = labelled.reduce((m, i) => Math.max(m, (labels[i] as number) + 1), options.classNames?.length ?? 0);
  const classNames = Array.from({ length: numClasses }, (_, k) => options.classNames?.[k] ?? `class ${k}`);
  const present = new Set(labelled.map((i) => labels[i] as number));
  const correct = new Float64Array(numClasses * seeds.length);
  const support = new Float64Array(numClasses * seeds.length);
  const perSeed: LinearProbeSeed[] = seeds.map((seed, s) => {
    const rng = new Rng(spreadSeed(seed));
    let pool: number[];
    let test: number[];
    if (options.split?.some((v) => v === 'test')) {
      test = labelled.filter((i) => options.split?.[i] === 'test');
      pool = labelled.filter((i) => options.split?.[i] !== 'test');
    } else {
      ({ rest: pool, held: test } = stratifiedSplit(labelled, labels, options.testFraction ?? 0.2, rng));
    }
    const { rest: train, held: val } = stratifiedSplit(pool, labels, options.valFraction ?? 0.2, rng);
    // Compact class indices over the training pool (train ∪ val): the refit must know every class it is shown.
    const seen = [...new Set(pool.map((i) => labels[i] as number))].sort((a, b) => a - b);
    const compact = new Map(seen.map((label, k) => [label, k]));
    const target = (idx: number[]) => Int32Array.from(idx, (i) => compact.get(labels[i] as number) ?? -1);
    const fitOptions = { tolerance: options.tolerance, maxIterations: options.maxIterations };
    const validation: LinearProbeSeed['validation'] = [];
    const xTrain = rows(features, train);
    const xVal = rows(features, val);
    const yVal = target(val);
    // Ascending C, each fit warm-started from the previous one: the path is smooth, so this saves most iterations.
    const fits: LogisticModel[] = [];
    for (const C of cGrid) {
      const fit = fitLogistic(xTrain, target(train), seen.length, { ...fitOptions, C, init: fits[fits.length - 1] });
      fits.push(fit);
      const p = predict(fit, xVal, yVal);
      validation.push({ C, accuracy: accuracyOf(p.labels, yVal), logLoss: p.logLoss });
    }
    // Best validation accuracy; ties (common on easy data) go to the lower validation log-loss.
    const best = validation.reduce((a, b) => (b.accuracy > a.accuracy || (b.accuracy === a.accuracy && b.logLoss < a.logLoss) ? b : a));
    const all = [...train, ...val];
    const model = fitLogistic(rows(features, all), target(all), seen.length, { ...fitOptions, C: best.C, init: fits[validation.indexOf(best)] });
    const toLabel = (k: number) => seen[k] as number;
    const testPred = Array.from(predict(model, rows(features, test)).labels, toLabel);
    const trainPred = Array.from(predict(model, rows(features, all)).labels, toLabel);
    let right = 0;
    test.forEach((i, r) => {
      const label = labels[i] as number;
      support[s * numClasses + label] = (support[s * numClasses + label] as number) + 1;
      if (testPred[r] === label) {
        right++;
        correct[s * numClasses + label] = (correct[s * numClasses + label] as number) + 1;
      }
    });
    const counts = new Map<number, number>();
    for (const i of all) counts.set(labels[i] as number, (counts.get(labels[i] as number) ?? 0) + 1);
    const majority = [...counts.entries()].reduce((a, b) => (b[1] > a[1] || (b[1] === a[1] && b[0] < a[0]) ? b : a))[0];
    return {
      seed,
      accuracy: test.length ? right / test.length : Number.NaN,
      trainAccuracy: trainPred.reduce((a, p, r) => a + (p === labels[all[r] as number] ? 1 : 0), 0) / all.length,
      chosenC: best.C,
      validation,
      majorityAccuracy: test.length ? test.filter((i) => labels[i] === majority).length / test.length : Number.NaN,
      iterations: model.iterations,
      converged: model.converged,
      sizes: { train: train.length, val: val.length, test: test.length },
    };
  });
  const perClass = classNames.map((name, k) => {
    const accs = seeds.map((_, s) => support[s * numClasses + k] as number).map((n, s) => (n > 0 ? (correct[s * numClasses + k] as number) / n : Number.NaN)).filter((v) => !Number.isNaN(v));
    const total = seeds.reduce((a, _, s) => a + (support[s * numClasses + k] as number), 0);
    return { name, accuracy: accs.length ? meanStd(accs).mean : null, support: total / seeds.length };
  });
  const accuracies = perSeed.map((r) => r.accuracy);
  return {
    protocol: LINEAR_PROBE_PROTOCOL,
    solver: 'multinomial logistic regression, L-BFGS (10 pairs, Armijo backtracking) in float64 JS, stop at max|grad| ≤ tolerance',
    features: { dim: features.dim, withCls: features.withCls, pooling: features.withCls ? 'mean of patch tokens (L2-normalised) ++ class token (L2-normalised)' : 'mean of patch tokens, L2-normalised' },
    accuracy: { ...meanStd(accuracies), perSeed: accuracies },
    trainAccuracy: meanStd(perSeed.map((r) => r.trainAccuracy)),
    chance: { uniform: present.size ? 1 / present.size : Number.NaN, majority: meanStd(perSeed.map((r) => r.majorityAccuracy)).mean },
    ceiling: 1,
    classNames,
    perClass,
    perSeed,
    cGrid,
  };
}
