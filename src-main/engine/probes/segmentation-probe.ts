// The segmentation probe (Patch-Seg): frozen patch tokens → a 2-layer MLP per patch trained on the
// majority class under each patch; scored by mean patch-level macro recall (the paper's metric) and pixel mIoU.
import { PivotError } from '../../../src-shared/errors';
import * as tf from '../backend/tf';
import type { ProbeSplit } from './image-folder';
import type { ClassMask } from './mask-png';
import { addConfusion, patchLabels, scoresFromConfusion, upsampleBilinearArgmax, upsampleNearest, type ClassScores } from './segmentation-metrics';
import { Rng, spreadSeed } from '../random';
import { meanStd, type MeanStd } from './stats';

export const SEGMENTATION_PROBE_PROTOCOL = 'patch-seg/mlp2-macro-recall';

export interface SegmentationProbeInput {
  /** Per image: patch tokens [rows·cols, channels], row-major (what `encodePatchTokens` returns). */
  tokens: readonly Float32Array[];
  grid: readonly [number, number];
  channels: number;
  /** Per image: class ids at pixel resolution (any size; pixels map onto the grid by their centres). */
  masks: readonly ClassMask[];
  numClasses: number;
  classNames?: readonly string[];
  /** Unlabelled pixels, excluded everywhere. Default 255. */
  ignoreIndex?: number;
  /** A fixed split per image; without any 'test' entry each seed draws its own test images. */
  split?: readonly (ProbeSplit | undefined)[];
  /** Per image, carried into `predictions` for a viewer. */
  ids?: readonly string[];
}

export interface SegmentationProbeOptions {
  /** MLP seeds (init and order; also the test split when none is fixed). Default six, as the paper: 0..5. */
  seeds?: readonly number[];
  epochs?: number;
  learningRate?: number;
  /** MLP hidden width. Default 256. */
  hidden?: number;
  /** Patches per Adam step. Default 256. */
  batchSize?: number;
  testFraction?: number;
  /**
   * How patch outputs become pixels for mIoU: 'nearest' (default; each pixel takes its patch's
   * predicted class — what a per-patch probe claims) or 'bilinear' (bilinear logits, then arg-max).
   */
  upsample?: 'nearest' | 'bilinear';
  /** Also return the first seed's per-image class maps. Default true. */
  keepPredictions?: boolean;
}

export interface SegmentationProbeSeed {
  seed: number;
  macroRecall: number;
  mIoU: number;
  pixelAccuracy: number;
  finalLoss: number;
  sizes: { trainImages: number; testImages: number; trainPatches: number; testPatches: number };
}

export interface SegmentationProbeResult {
  protocol: typeof SEGMENTATION_PROBE_PROTOCOL;
  head: { layers: string; hidden: number; epochs: number; learningRate: number; batchSize: number; optimizer: 'adam'; init: string };
  upsample: 'nearest' | 'bilinear';
  macroRecall: MeanStd & { perSeed: number[] };
  mIoU: MeanStd & { perSeed: number[] };
  /** A constant predictor (the training patches' majority class): macro recall 1/classes present, and its mIoU. */
  chance: { macroRecall: number; mIoU: number };
  /** Every patch right: macro recall 1; mIoU of the true patch labels upsampled (what the patch grid allows). */
  ceiling: { macroRecall: number; mIoU: number };
  perClass: { id: number; name: string; recall: MeanStd | null; iou: MeanStd | null; testPatches: number }[];
  perSeed: SegmentationProbeSeed[];
  /** The first seed's test images: predicted class ids at the mask's resolution. */
  predictions?: { seed: number; images: Evaluation['images'] };
}

interface Mlp {
  w1: tf.Variable;
  b1: tf.Variable;
  w2: tf.Variable;
  b2: tf.Variable;
}

/** PyTorch's nn.Linear default init, U(±1/√fan_in) for weight and bias, from a seed. */
function makeMlp(inputs: number, hidden: number, classes: number, seed: number): Mlp {
  const u = (shape: number[], fanIn: number, k: number) =>
    tf.tidy(() => tf.variable(tf.randomUniform(shape, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn), 'float32', seed * 4 + k)));
  return { w1: u([inputs, hidden], inputs, 0), b1: u([hidden], inputs, 1), w2: u([hidden, classes], hidden, 2), b2: u([classes], hidden, 3) };
}

const forward = (m: Mlp, x: tf.Tensor2D) => tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, m.w1), m.b1)), m.w2), m.b2) as tf.Tensor2D;

function rowsOf(tokens: readonly Float32Array[], channels: number, picks: readonly [number, number][]): Float32Array {
  const out = new Float32Array(picks.length * channels);
  picks.forEach(([image, patch], r) => out.set((tokens[image] as Float32Array).subarray(patch * channels, (patch + 1) * channels), r * channels));
  return out;
}

/** Trains the head for one seed and returns it with the last epoch's mean loss. */
function train(input: SegmentationProbeInput, labels: Int32Array[], trainImages: number[], seed: number, o: Required<Omit<SegmentationProbeOptions, 'seeds' | 'testFraction' | 'upsample' | 'keepPredictions'>>): { mlp: Mlp; loss: number; patches: number } {
  let picks: [number, number][] = [];
  for (const i of trainImages) (labels[i] as Int32Array).forEach((label, p) => label >= 0 && picks.push([i, p]));
  const mlp = makeMlp(input.channels, o.hidden, input.numClasses, seed);
  const optimizer = tf.train.adam(o.learningRate);
  const rng = new Rng(spreadSeed(seed));
  let loss = Number.NaN;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    picks = rng.shuffle(picks);
    let sum = 0;
    for (let at = 0; at < picks.length; at += o.batchSize) {
      const batch = picks.slice(at, at + o.batchSize);
      const x = tf.tensor2d(rowsOf(input.tokens, input.channels, batch), [batch.length, input.channels]);
      const y = tf.tidy(() => tf.oneHot(tf.tensor1d(batch.map(([i, p]) => (labels[i] as Int32Array)[p] as number), 'int32'), input.numClasses));
      const cost = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, forward(mlp, x)) as tf.Scalar, true, [mlp.w1, mlp.b1, mlp.w2, mlp.b2]);
      sum += (cost?.dataSync()[0] ?? 0) * batch.length;
      tf.dispose([x, y, cost as tf.Scalar]);
    }
    loss = sum / Math.max(1, picks.length);
  }
  optimizer.dispose();
  return { mlp, loss, patches: picks.length };
}

/** Patch logits [rows·cols, classes] of one image. */
function logitsOf(mlp: Mlp, input: SegmentationProbeInput, image: number): Float32Array {
  const patches = input.grid[0] * input.grid[1];
  return tf.tidy(() => forward(mlp, tf.tensor2d(input.tokens[image] as Float32Array, [patches, input.channels])).dataSync() as Float32Array);
}

function argmaxRows(logits: Float32Array, classes: number): Int32Array {
  const out = new Int32Array(logits.length / classes);
  for (let p = 0; p < out.length; p++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if ((logits[p * classes + c] as number) > (logits[p * classes + best] as number)) best = c;
    out[p] = best;
  }
  return out;
}

interface Evaluation {
  patch: ClassScores;
  pixel: ClassScores;
  chance: { macroRecall: number; mIoU: number };
  /** mIoU of the true patch labels upsampled: the best any per-patch prediction can do. */
  oracleMIoU: number;
  /** Test patches per class. */
  testPatches: number[];
  images: { index: number; id: string; width: number; height: number; classes: Uint8Array }[];
}

/** Scores a trained head on the test images, with the constant predictor and the patch-grid oracle beside it. */
function evaluate(mlp: Mlp, input: SegmentationProbeInput, labels: Int32Array[], test: number[], majority: number, upsample: 'nearest' | 'bilinear', keep: boolean): Evaluation {
  const K = input.numClasses;
  const ignore = input.ignoreIndex ?? 255;
  const conf = () => new Float64Array(K * K);
  const [patchConf, pixelConf, constPatch, constPixel, oracle] = [conf(), conf(), conf(), conf(), conf()];
  const images: Evaluation['images'] = [];
  for (const i of test) {
    const mask = input.masks[i] as ClassMask;
    const truth = labels[i] as Int32Array;
    const logits = logitsOf(mlp, input, i);
    const predicted = argmaxRows(logits, K);
    addConfusion(patchConf, truth, predicted, K, ignore);
    const pixels = upsample === 'bilinear' ? upsampleBilinearArgmax(logits, input.grid, K, mask.width, mask.height) : upsampleNearest(predicted, input.grid, mask.width, mask.height);
    addConfusion(pixelConf, mask.data, pixels, K, ignore);
    addConfusion(constPatch, truth, new Int32Array(truth.length).fill(majority), K, ignore);
    addConfusion(constPixel, mask.data, new Uint8Array(mask.data.length).fill(majority), K, ignore);
    // A patch labelled −1 holds only ignored pixels, so whatever it is drawn as never counts.
    addConfusion(oracle, mask.data, upsampleNearest(truth.map((l) => Math.max(0, l)), input.grid, mask.width, mask.height), K, ignore);
    if (keep) images.push({ index: i, id: input.ids?.[i] ?? String(i), width: mask.width, height: mask.height, classes: pixels });
  }
  const testPatches = Array.from({ length: K }, (_, c) => patchConf.subarray(c * K, (c + 1) * K).reduce((a, b) => a + b, 0));
  return {
    patch: scoresFromConfusion(patchConf, K),
    pixel: scoresFromConfusion(pixelConf, K),
    chance: { macroRecall: scoresFromConfusion(constPatch, K).macroRecall, mIoU: scoresFromConfusion(constPixel, K).mIoU },
    oracleMIoU: scoresFromConfusion(oracle, K).mIoU,
    testPatches,
    images,
  };
}

function testImagesFor(input: SegmentationProbeInput, seed: number, fraction: number): number[] {
  const all = input.tokens.map((_, i) => i);
  if (input.split?.some((s) => s === 'test')) return all.filter((i) => input.split?.[i] === 'test');
  const shuffled = new Rng(spreadSeed(seed)).shuffle([...all]);
  return shuffled.slice(0, Math.max(1, Math.round(all.length * fraction))).sort((a, b) => a - b);
}

export async function segmentationProbe(input: SegmentationProbeInput, options: SegmentationProbeOptions = {}): Promise<SegmentationProbeResult> {
  const seeds = options.seeds ?? [0, 1, 2, 3, 4, 5];
  const o = { epochs: options.epochs ?? 5, learningRate: options.learningRate ?? 1e-3, hidden: options.hidden ?? 256, batchSize: options.batchSize ?? 256 };
  const upsample = options.upsample ?? 'nearest';
  const ignore = input.ignoreIndex ?? 255;
  const K = input.numClasses;
  const n = input.tokens.length;
  if (input.masks.length !== n) throw new Error(`segmentation probe: ${input.masks.length} masks for ${n} images`);
  const patches = input.grid[0] * input.grid[1];
  const labels = input.masks.map((mask, i) => {
    if ((input.tokens[i] as Float32Array).length !== patches * input.channels) {
      throw new Error(`segmentation probe: image ${input.ids?.[i] ?? i} has ${(input.tokens[i] as Float32Array).length} token values, expected ${patches}×${input.channels}`);
    }
    try {
      return patchLabels(mask, input.grid, K, ignore);
    } catch (err) {
      throw new PivotError('INVALID_DATA', `segmentation probe: image ${input.ids?.[i] ?? i}: ${(err as Error).message}`);
    }
  });
  const perSeed: SegmentationProbeSeed[] = [];
  const evaluations: Evaluation[] = [];
  let predictions: SegmentationProbeResult['predictions'];
  for (const [s, seed] of seeds.entries()) {
    const test = testImagesFor(input, seed, options.testFraction ?? 0.2);
    const testSet = new Set(test);
    const trainImages = input.tokens.map((_, i) => i).filter((i) => !testSet.has(i));
    if (test.length === 0 || trainImages.length === 0) throw new PivotError('INVALID_DATA', `segmentation probe: need both training and test images (have ${trainImages.length} and ${test.length})`);
    const { mlp, loss, patches: trainPatches } = train(input, labels, trainImages, seed, o);
    // The constant predictor answers the training patches' most frequent class.
    const trainCounts = new Float64Array(K);
    for (const i of trainImages) for (const l of labels[i] as Int32Array) if (l >= 0) trainCounts[l] = (trainCounts[l] as number) + 1;
    const majority = trainCounts.reduce((best, v, c) => (v > (trainCounts[best] as number) ? c : best), 0);
    const keep = s === 0 && options.keepPredictions !== false;
    const e = evaluate(mlp, input, labels, test, majority, upsample, keep);
    tf.dispose([mlp.w1, mlp.b1, mlp.w2, mlp.b2]);
    evaluations.push(e);
    if (keep) predictions = { seed, images: e.images };
    perSeed.push({
      seed,
      macroRecall: e.patch.macroRecall,
      mIoU: e.pixel.mIoU,
      pixelAccuracy: e.pixel.accuracy,
      finalLoss: loss,
      sizes: { trainImages: trainImages.length, testImages: test.length, trainPatches, testPatches: e.testPatches.reduce((a, b) => a + b, 0) },
    });
    await new Promise((r) => setImmediate(r)); // let a host process messages between seeds
  }
  const recalls = evaluations.map((e) => e.patch.recall);
  const ious = evaluations.map((e) => e.pixel.iou);
  const perClassStat = (values: (number | null)[][], c: number) => {
    const v = values.map((row) => row[c]).filter((x): x is number => x !== null && x !== undefined);
    return v.length ? meanStd(v) : null;
  };
  const macro = perSeed.map((r) => r.macroRecall);
  const miou = perSeed.map((r) => r.mIoU);
  return {
    protocol: SEGMENTATION_PROBE_PROTOCOL,
    head: { layers: `Linear(${input.channels}, ${o.hidden}) → ReLU → Linear(${o.hidden}, ${K})`, ...o, optimizer: 'adam', init: 'U(±1/√fan_in) (PyTorch nn.Linear default)' },
    upsample,
    macroRecall: { ...meanStd(macro), perSeed: macro },
    mIoU: { ...meanStd(miou), perSeed: miou },
    chance: { macroRecall: meanStd(evaluations.map((e) => e.chance.macroRecall)).mean, mIoU: meanStd(evaluations.map((e) => e.chance.mIoU)).mean },
    ceiling: { macroRecall: 1, mIoU: meanStd(evaluations.map((e) => e.oracleMIoU)).mean },
    perClass: Array.from({ length: K }, (_, c) => ({
      id: c,
      name: input.classNames?.[c] ?? `class ${c}`,
      recall: perClassStat(recalls, c),
      iou: perClassStat(ious, c),
      testPatches: meanStd(evaluations.map((e) => e.testPatches[c] as number)).mean,
    })),
    perSeed,
    predictions,
  };
}
