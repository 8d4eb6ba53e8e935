// Issue 15: where a base MLLM's image tokens lose their position. For each representation of an image token on the
// way from pixels to the LM — every encoder hidden state, the projector's first linear, its GELU, its output, and each
// LM hidden state of the image tokens alone (they come first, so causal attention keeps them free of the question) —
// an ordinary least-squares fit of the token's grid column and row from its vector, on 3/4 of the images, scored by
// R² on the other 1/4. A representation a linear read-out cannot place has R² ≈ 0 (a relation question needs it).
// Usage: npx tsx bench/base-search/position-probe.ts CHECKPOINT IMAGES_FOLDER [IMAGES=200] [THREADS]
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { selectBackend } from '../../src-main/engine/backend/select';
import * as tf from '../../src-main/engine/backend/tf';
import { decodeImage } from '../../src-main/engine/data/batches/images';
import { openMllm } from '../../src-main/engine/eval/open-mllm';
import { gelu } from '../../src-main/engine/nn/activations';
import { linear } from '../../src-main/engine/nn/linear';

const [checkpoint, imagesFolder, imageArg = '200', threadArg] = process.argv.slice(2);
if (!checkpoint || !imagesFolder) throw new Error('usage: position-probe.ts CHECKPOINT IMAGES_FOLDER [IMAGES=200] [THREADS]');
await selectBackend('native', { threads: threadArg ? Number(threadArg) : undefined });
const model = await openMllm(checkpoint);
const files = readdirSync(imagesFolder).filter((f) => f.endsWith('.png')).sort().slice(0, Number(imageArg));
const side = model.config.imageSize;
const plane = 3 * side * side;

/** Every image token's vector per representation, images in order. */
const vectors = new Map<string, Float32Array[]>();
function collect(name: string, values: Float32Array, width: number): void {
  const rows = vectors.get(name) ?? [];
  for (let at = 0; at < values.length; at += width) rows.push(values.slice(at, at + width));
  vectors.set(name, rows);
}

for (let from = 0; from < files.length; from += 25) {
  const chunk = files.slice(from, from + 25);
  const pixels = new Float32Array(chunk.length * plane);
  for (const [i, file] of chunk.entries()) pixels.set(await decodeImage(join(imagesFolder, file), model.config.imageProcessor), i * plane);
  const input = tf.tensor4d(pixels, [chunk.length, 3, side, side]);
  const names: string[] = [];
  const tensors = tf.tidy(() => {
    const encoder = model.encoder.forward(input, { outputHiddenStates: true }).hiddenStates as tf.Tensor3D[];
    const features = model.imageFeatures(input);
    const p = (name: string) => model.projector.params.get(`multi_modal_projector.${name}`);
    const first = linear(features, p('linear_1.weight'), model.projector.hasBias ? p('linear_1.bias') : undefined);
    const projected = model.projector.forward(features) as tf.Tensor3D;
    const lm = model.lm.forward({ inputsEmbeds: projected }, { outputHiddenStates: true }).hiddenStates as tf.Tensor3D[];
    names.push(...encoder.map((_, i) => `encoder hidden state ${i}`), 'projector linear_1', 'projector GELU', 'projector output', ...lm.slice(1).map((_, i) => `LM hidden state ${i + 1}`));
    return [...encoder, first, gelu(first), projected, ...lm.slice(1)];
  });
  for (const [i, t] of tensors.entries()) collect(names[i] as string, (await t.data()) as Float32Array, t.shape[t.rank - 1] as number);
  tf.dispose([input, ...tensors]);
}

/**
 * Held-out R² of a least-squares fit of `target` from `rows`; the first `fitCount` rows fit it. Each component is
 * centred and scaled by its mean and spread on the fit rows first: token vectors share a large common offset (every
 * token carries it), and in raw units the fit's normal equations drown the small per-token variation that holds the
 * position. A ridge of 1e-6 per standardised component only keeps constant (dead) components solvable.
 */
function heldOutR2(rows: readonly Float32Array[], target: readonly number[], fitCount: number): number {
  const d = (rows[0] as Float32Array).length;
  const mean = new Float64Array(d);
  const scale = new Float64Array(d);
  for (let i = 0; i < fitCount; i++) for (let a = 0; a < d; a++) mean[a]! += rows[i]![a]! / fitCount;
  for (let i = 0; i < fitCount; i++) for (let a = 0; a < d; a++) scale[a]! += (rows[i]![a]! - mean[a]!) ** 2 / fitCount;
  for (let a = 0; a < d; a++) scale[a] = Math.sqrt(scale[a]!) || 1;
  const standard = (i: number): Float64Array => Float64Array.from(rows[i]!, (v, a) => (v - mean[a]!) / scale[a]!);
  const targetMean = target.slice(0, fitCount).reduce((s, v) => s + v, 0) / fitCount;
  const gram = Array.from({ length: d }, () => new Float64Array(d));
  const rhs = new Float64Array(d);
  for (let i = 0; i < fitCount; i++) {
    const x = standard(i);
    for (let a = 0; a < d; a++) {
      rhs[a]! += x[a]! * (target[i]! - targetMean);
      for (let b = 0; b < d; b++) gram[a]![b]! += x[a]! * x[b]!;
    }
  }
  for (let a = 0; a < d; a++) gram[a]![a]! += 1e-6 * fitCount;
  // Gaussian elimination with partial pivoting; the system is symmetric positive definite, so it cannot break down.
  for (let p = 0; p < d; p++) {
    let pivot = p;
    for (let r = p + 1; r < d; r++) if (Math.abs(gram[r]![p]!) > Math.abs(gram[pivot]![p]!)) pivot = r;
    [gram[p], gram[pivot]] = [gram[pivot]!, gram[p]!];
    [rhs[p], rhs[pivot]] = [rhs[pivot]!, rhs[p]!];
    for (let r = p + 1; r < d; r++) {
      const f = gram[r]![p]! / gram[p]![p]!;
      for (let c = p; c < d; c++) gram[r]![c]! -= f * gram[p]![c]!;
      rhs[r]! -= f * rhs[p]!;
    }
  }
  const w = new Float64Array(d);
  for (let p = d - 1; p >= 0; p--) {
    let s = rhs[p]!;
    for (let c = p + 1; c < d; c++) s -= gram[p]![c]! * w[c]!;
    w[p] = s / gram[p]![p]!;
  }
  const heldMean = target.slice(fitCount).reduce((a, v) => a + v, 0) / (rows.length - fitCount);
  let residual = 0;
  let total = 0;
  for (let i = fitCount; i < rows.length; i++) {
    const predicted = targetMean + standard(i).reduce((s, v, a) => s + v * w[a]!, 0);
    residual += (predicted - target[i]!) ** 2;
    total += (target[i]! - heldMean) ** 2;
  }
  return 1 - residual / total;
}

const tokens = model.imageTokenCount;
const grid = Math.round(Math.sqrt(tokens));
const fitCount = Math.floor(files.length * 0.75) * tokens;
console.log(`${checkpoint}: ${files.length} images, ${tokens} image tokens (${grid} × ${grid}); held-out R² of a linear read-out of each token's grid position`);
console.log('| representation | width | R² column | R² row |\n|---|---:|---:|---:|');
for (const [name, rows] of vectors) {
  const column = rows.map((_, i) => (i % tokens) % grid);
  const row = rows.map((_, i) => Math.floor((i % tokens) / grid));
  console.log(`| ${name} | ${(rows[0] as Float32Array).length} | ${heldOutR2(rows, column, fitCount).toFixed(3)} | ${heldOutR2(rows, row, fitCount).toFixed(3)} |`);
}
