// The report's example pictures for the window's Compare viewers: `<report>/examples/` with an `examples.json` index.
// Grad-CAM: per sample the image, the target mask (grey 0/255) and each model's heat map over the image with the
// mask outlined, with its focus score, for the study's variant and, when given, standard Grad-CAM on an encoder
// layer (`-gradcam-layer-<model>.png`). Segmentation: per test image the image, the truth and each encoder's
// prediction as grey class-id PNGs (pixel = class id; the window colours them), with per-image macro recall and IoU.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { ExampleClass, GradcamExample, GradcamLayerInfo, ReportExamplesIndex, SegmentationExample } from '../../../src-shared/domain/study-examples';
import type { GradcamFocusResult } from '../analysis/gradcam-focus';
import type { ClassMask } from '../probes/mask-png';
import { readMaskPng } from '../probes/mask-png';
import { heatmapOverImagePng, imagePng } from './images';
import { classPalette } from '../../../src-shared/domain/class-colours';

export const EXAMPLES_FOLDER = 'examples';
export const EXAMPLES_INDEX = `${EXAMPLES_FOLDER}/examples.json`;
/** Side of every example PNG (nearest upscaling, so patch blocks stay sharp). */
export const EXAMPLE_SIZE = 256;

/** One image's predicted classes at the mask's resolution (the segmentation probe's `predictions.images`). */
export interface PredictedImage {
  index: number;
  id: string;
  width: number;
  height: number;
  classes: Uint8Array;
}

export interface ExamplesInput {
  /** Grad-CAM results per model (sft, dpo, original…), over the same pairs. */
  gradcam: Record<string, GradcamFocusResult | undefined>;
  /** Standard Grad-CAM (method `layer`) per model on the same pairs (matched by id; fewer pairs is fine). */
  gradcamLayer?: GradcamLayerInfo & { results: Record<string, GradcamFocusResult | undefined> };
  /** The probe's images and their masks, and the class names (index = class id). */
  dataset: { items: ReadonlyArray<{ id: string; image: string; mask?: string }>; maskClassNames: readonly string[]; ignoreIndex: number };
  /** Predicted test images per encoder (original, sft, dpo…). */
  predictions: Record<string, readonly PredictedImage[] | undefined>;
  /** Default 6. */
  gradcamCount?: number;
  /** Default 8. */
  segmentationCount?: number;
}

/** Per-image macro recall (classes in the truth) and mean IoU (classes in truth or prediction), ignored pixels left out. */
export function imageScores(truth: ArrayLike<number>, predicted: ArrayLike<number>, ignoreIndex: number): { recall: number | null; iou: number | null } {
  const hit = new Map<number, number>();
  const inTruth = new Map<number, number>();
  const inPred = new Map<number, number>();
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i] as number;
    if (t === ignoreIndex) continue;
    const p = predicted[i] as number;
    inTruth.set(t, (inTruth.get(t) ?? 0) + 1);
    inPred.set(p, (inPred.get(p) ?? 0) + 1);
    if (t === p) hit.set(t, (hit.get(t) ?? 0) + 1);
  }
  if (inTruth.size === 0) return { recall: null, iou: null };
  let recall = 0;
  for (const [c, n] of inTruth) recall += (hit.get(c) ?? 0) / n;
  const union = new Set([...inTruth.keys(), ...inPred.keys()]);
  let iou = 0;
  for (const c of union) {
    const h = hit.get(c) ?? 0;
    iou += h / ((inTruth.get(c) ?? 0) + (inPred.get(c) ?? 0) - h);
  }
  return { recall: recall / inTruth.size, iou: iou / union.size };
}

/** A class-id (or 0/255) map as a grey size×size PNG, nearest. */
export async function greyPng(mask: ClassMask, size: number): Promise<Buffer> {
  return sharp(Buffer.from(mask.data.buffer, mask.data.byteOffset, mask.data.byteLength), { raw: { width: mask.width, height: mask.height, channels: 1 } })
    .resize(size, size, { kernel: 'nearest', fit: 'fill' })
    .toColourspace('b-w')
    .png()
    .toBuffer();
}

function safeId(id: string, i: number): string {
  const clean = id.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 60);
  return `${String(i).padStart(2, '0')}-${clean || 'x'}`;
}

/** Writes `<reportDir>/examples/*.png` and `examples.json`; returns the index path relative to the report folder. */
export async function writeExamples(reportDir: string, input: ExamplesInput): Promise<{ file: string; index: ReportExamplesIndex }> {
  const folder = join(reportDir, EXAMPLES_FOLDER);
  await mkdir(folder, { recursive: true });
  const put = async (name: string, png: Buffer): Promise<string> => {
    await writeFile(join(folder, name), png);
    return `${EXAMPLES_FOLDER}/${name}`;
  };
  const size = EXAMPLE_SIZE;

  // Grad-CAM: the pairs the SFT model was measured on, matched by id in the other models' results.
  const gradcam: GradcamExample[] = [];
  const models = ['original', 'sft', 'dpo', ...Object.keys(input.gradcam).filter((m) => !['original', 'sft', 'dpo'].includes(m))].filter((m) => input.gradcam[m]);
  const first = input.gradcam.sft ?? (models[0] ? input.gradcam[models[0]] : undefined);
  for (const [i, sample] of (first?.samples ?? []).slice(0, input.gradcamCount ?? 6).entries()) {
    const key = `gc-${safeId(sample.id, i)}`;
    const maskBinary: ClassMask = { width: sample.mask.width, height: sample.mask.height, data: sample.mask.data.map((v) => (v ? 255 : 0)) };
    const entry: GradcamExample = {
      id: sample.id, question: sample.question,
      image: await put(`${key}-image.png`, await imagePng(sample.image, size)),
      mask: await put(`${key}-mask.png`, await greyPng(maskBinary, size)),
      maps: {}, focus: {},
    };
    for (const model of models) {
      const result = input.gradcam[model] as GradcamFocusResult;
      const s = result.samples.find((x) => x.id === sample.id);
      if (!s) continue;
      entry.maps[model] = await put(`${key}-gradcam-${model}.png`, await heatmapOverImagePng(s.map, result.gridH, result.gridW, s.image, s.mask, size));
      entry.focus[model] = s.score;
    }
    for (const [model, result] of Object.entries(input.gradcamLayer?.results ?? {})) {
      const s = result?.samples.find((x) => x.id === sample.id);
      if (!result || !s) continue;
      (entry.layerMaps ??= {})[model] = await put(`${key}-gradcam-layer-${model}.png`, await heatmapOverImagePng(s.map, result.gridH, result.gridW, s.image, s.mask, size));
      (entry.layerFocus ??= {})[model] = s.score;
    }
    gradcam.push(entry);
  }

  // Segmentation: test images every encoder predicted, in the order of the SFT (else first) encoder's predictions.
  const segmentation: SegmentationExample[] = [];
  const encoders = ['original', 'sft', 'dpo', ...Object.keys(input.predictions).filter((e) => !['original', 'sft', 'dpo'].includes(e))].filter((e) => input.predictions[e]);
  const byEncoder = new Map(encoders.map((e) => [e, new Map((input.predictions[e] ?? []).map((p) => [p.index, p]))]));
  const lead = input.predictions.sft ?? (encoders[0] ? input.predictions[encoders[0]] : undefined) ?? [];
  for (const p of lead) {
    if (segmentation.length >= (input.segmentationCount ?? 8)) break;
    const item = input.dataset.items[p.index];
    if (!item?.mask || encoders.some((e) => !byEncoder.get(e)?.has(p.index))) continue;
    const truth = await readMaskPng(item.mask);
    const key = `seg-${safeId(item.id, segmentation.length)}`;
    const entry: SegmentationExample = {
      id: item.id,
      image: await put(`${key}-image.png`, await imagePng(item.image, size)),
      truth: await put(`${key}-truth.png`, await greyPng(truth, size)),
      predictions: {}, recall: {}, iou: {},
    };
    for (const e of encoders) {
      const q = byEncoder.get(e)?.get(p.index) as PredictedImage;
      const predicted: ClassMask = { width: q.width, height: q.height, data: q.classes };
      entry.predictions[e] = await put(`${key}-pred-${e}.png`, await greyPng(predicted, size));
      const scores = q.width === truth.width && q.height === truth.height ? imageScores(truth.data, q.classes, input.dataset.ignoreIndex) : { recall: null, iou: null };
      entry.recall[e] = scores.recall;
      entry.iou[e] = scores.iou;
    }
    segmentation.push(entry);
  }

  // Colours that agree with the names (a "yellow ring" yellow), as the window's viewers draw them.
  const palette = classPalette(input.dataset.maskClassNames);
  const classes: ExampleClass[] = input.dataset.maskClassNames.map((name, id) => ({ id, name, rgb: palette[id]! }));
  const layer = input.gradcamLayer;
  const index: ReportExamplesIndex = {
    gradcam, segmentation, classes,
    ...(layer && gradcam.some((g) => g.layerMaps) ? { gradcamLayer: { layer: layer.layer, protocol: layer.protocol } } : {}),
  };
  await writeFile(join(reportDir, EXAMPLES_INDEX), `${JSON.stringify(index, null, 2)}\n`);
  return { file: EXAMPLES_INDEX, index };
}
