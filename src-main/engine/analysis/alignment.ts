// Platonic representation alignment (Huh et al. 2024, minyoungg/platonic-rep): mutual k-nearest-neighbour
// overlap between two models' features of the same samples, per layer pair, and the best pair.

export interface AlignmentOptions {
  /** Neighbours per sample. Default 10. */
  k?: number;
  /**
   * Clamp features to ±(the 0.95 quantile of |x|) before normalising. Default true. As platonic-rep's
   * default (non-`--precise`) path: the quantile of each sample's values (over all the model's layers
   * given together), linearly interpolated as torch.quantile, averaged over samples.
   */
  clamp?: boolean;
  quantile?: number;
}

/** Per sample, one feature vector: `features[i]` is sample i (all of one length). */
export type FeatureSet = readonly Float32Array[];

/** Linear-interpolated quantile of sorted values (torch.quantile's default). */
function quantileSorted(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return (sorted[lo] as number) + (pos - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
}

/** The clamp threshold of one model: mean over samples of the q-quantile of |x| over all its layers. */
export function outlierThreshold(layers: readonly FeatureSet[], q = 0.95): number {
  const n = layers[0]?.length ?? 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const values = new Float64Array(layers.reduce((a, l) => a + (l[i] as Float32Array).length, 0));
    let at = 0;
    for (const layer of layers) for (const v of layer[i] as Float32Array) values[at++] = Math.abs(v);
    sum += quantileSorted(values.sort(), q);
  }
  return n > 0 ? sum / n : 0;
}

/** Clamps to ±threshold (or not), then L2-normalises each row; Float64 for exact neighbour order. */
function prepare(features: FeatureSet, threshold: number | null): Float64Array[] {
  return features.map((row) => {
    const out = Float64Array.from(row, (v) => (threshold === null ? v : Math.max(-threshold, Math.min(threshold, v))));
    const norm = Math.sqrt(out.reduce((a, v) => a + v * v, 0));
    if (norm > 0) for (let j = 0; j < out.length; j++) out[j] = (out[j] as number) / norm;
    return out;
  });
}

/**
 * Each sample's k nearest other samples by inner product (self excluded), as sorted index sets.
 * Ties in similarity go to the lower index, so identical inputs give identical neighbour sets.
 */
export function nearestNeighbours(rows: readonly Float64Array[], k: number): Int32Array[] {
  const n = rows.length;
  if (k < 1 || k > n - 1) throw new Error(`mutual k-NN: k must be from 1 to ${n - 1} for ${n} samples, got ${k}`);
  const sims = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const a = rows[i] as Float64Array;
    for (let j = i + 1; j < n; j++) {
      const b = rows[j] as Float64Array;
      let s = 0;
      for (let d = 0; d < a.length; d++) s += (a[d] as number) * (b[d] as number);
      sims[i * n + j] = s;
      sims[j * n + i] = s;
    }
  }
  const order = new Int32Array(n - 1);
  return rows.map((_, i) => {
    let m = 0;
    for (let j = 0; j < n; j++) if (j !== i) order[m++] = j;
    const sorted = Array.from(order).sort((x, y) => (sims[i * n + y] as number) - (sims[i * n + x] as number) || x - y);
    return Int32Array.from(sorted.slice(0, k)).sort();
  });
}

/** mean_i |kNN_A(i) ∩ kNN_B(i)| / k from precomputed neighbour sets (sorted). */
export function mutualKnnFromNeighbours(a: readonly Int32Array[], b: readonly Int32Array[], k: number): number {
  if (a.length !== b.length) throw new Error(`mutual k-NN: ${a.length} samples in A but ${b.length} in B`);
  let total = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as Int32Array;
    const y = b[i] as Int32Array;
    let p = 0;
    let q = 0;
    let shared = 0;
    while (p < x.length && q < y.length) {
      if (x[p] === y[q]) {
        shared++;
        p++;
        q++;
      } else if ((x[p] as number) < (y[q] as number)) p++;
      else q++;
    }
    total += shared / k;
  }
  return total / a.length;
}

function checkSamples(name: string, sets: readonly FeatureSet[]): number {
  const n = sets[0]?.length ?? 0;
  sets.forEach((set, l) => {
    if (set.length !== n) throw new Error(`alignment: ${name} layer ${l} has ${set.length} samples, layer 0 has ${n}`);
  });
  return n;
}

/** The mutual k-NN score of two feature sets of the same samples (rows may differ in width). */
export function mutualKnn(a: FeatureSet, b: FeatureSet, options: AlignmentOptions = {}): number {
  return layerwiseAlignment([a], [b], options).max.score;
}

export interface LayerwiseAlignment {
  /** scores[v][l]: vision layer v against language-model layer l. */
  scores: number[][];
  /** The best pair: the score the paper reports. Ties keep the first pair in row-major order. */
  max: { score: number; visionLayer: number; lmLayer: number };
  k: number;
  clamp: { enabled: boolean; quantile: number; thresholds: { vision: number; lm: number } | null };
  samples: number;
}

/**
 * Every (vision layer, LM layer) pair's mutual k-NN score. `visionLayers[v][i]` is sample i's
 * feature at vision layer v; likewise for the LM. Each layer's neighbours are computed once.
 */
export function layerwiseAlignment(visionLayers: readonly FeatureSet[], lmLayers: readonly FeatureSet[], options: AlignmentOptions = {}): LayerwiseAlignment {
  const k = options.k ?? 10;
  const q = options.quantile ?? 0.95;
  const clamp = options.clamp ?? true;
  const n = checkSamples('vision', visionLayers);
  if (checkSamples('LM', lmLayers) !== n) throw new Error(`alignment: ${n} vision samples but ${lmLayers[0]?.length ?? 0} LM samples`);
  if (visionLayers.length === 0 || lmLayers.length === 0) throw new Error('alignment: need at least one layer on each side');
  const thresholds = clamp ? { vision: outlierThreshold(visionLayers, q), lm: outlierThreshold(lmLayers, q) } : null;
  const knnV = visionLayers.map((layer) => nearestNeighbours(prepare(layer, thresholds?.vision ?? null), k));
  const knnL = lmLayers.map((layer) => nearestNeighbours(prepare(layer, thresholds?.lm ?? null), k));
  const scores = knnV.map((a) => knnL.map((b) => mutualKnnFromNeighbours(a, b, k)));
  let max = { score: -Infinity, visionLayer: -1, lmLayer: -1 };
  scores.forEach((row, v) => row.forEach((score, l) => {
    if (score > max.score) max = { score, visionLayer: v, lmLayer: l };
  }));
  return { scores, max, k, clamp: { enabled: clamp, quantile: q, thresholds }, samples: n };
}
