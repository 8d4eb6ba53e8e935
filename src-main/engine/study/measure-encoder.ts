// One encoder, measured the way the study and `pivot probe linear|segmentation|alignment` measure it: the linear
// probe on the Shapes labels, the Patch-Seg segmentation probe on the masks, and the Platonic alignment with a
// language model's features of the matching captions. One code path for the CLI and the study.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { PivotError } from '../../../src-shared/errors';
import { layerwiseAlignment, type LayerwiseAlignment } from '../analysis/alignment';
import { lmLayerFeatures, visionLayerFeatures, type LanguageModelLike } from '../analysis/layer-features';
import { CLIPVisionConfig } from '../models/clip/config';
import { loadVisionModel, type VisionModel } from '../models/hf';
import { isLlavaFolder, loadLlavaVisionTower } from '../models/llava/load';
import { MLLM_CONFIG_FILE, readMllmConfig } from '../models/mllm/config';
import type { Mllm } from '../models/mllm/model';
import { encodePatchTokens, visionModelEncoder } from '../probes/encoder';
import { defaultImageProcessor, loadImageProcessor, PREPROCESSOR_FILE } from '../models/hf/image-processor';
import { loadImages, loadMasks, type ImagePreprocess } from '../probes/image-decode';
import type { ProbeDataset } from '../probes/image-folder';
import { extractPooledFeatures, linearProbe, type LinearProbeResult } from '../probes/linear-probe';
import { LINEAR_PROBE_PROJECTOR_PROTOCOL, mllmVisualTokenEncoder } from '../probes/projector-encoder';
import { segmentationProbe, type SegmentationProbeResult } from '../probes/segmentation-probe';

/** The segmentation protocol the study keeps: Patch-Seg's 2-layer MLP head, 5 epochs, Adam LR 1e-3. */
export const STUDY_SEGMENTATION = { epochs: 5, learningRate: 1e-3 } as const;
/** Mutual k-NN neighbours for alignment (the Platonic paper's k). */
export const STUDY_ALIGNMENT_K = 10;

/** Seeds 0..k-1. */
export function seedList(k: number): number[] {
  return Array.from({ length: k }, (_, i) => i);
}

export interface LoadedEncoder {
  dir: string;
  model: VisionModel;
  prep: ImagePreprocess;
  /** Where mean / std came from. */
  prepSource: string;
  /** The hidden state the probes read: the MLLM's feature layer when the folder is a checkpoint's encoder/ or a LLaVA folder, else −2. */
  layer: number;
}

/**
 * A Hugging Face vision folder (an export, or a checkpoint's `encoder/`). The image processor from its
 * preprocessor_config.json, else from the checkpoint's mllm.json next to it, else the family's defaults.
 */
export async function loadEncoderFolder(dir: string): Promise<LoadedEncoder> {
  const model = await loadVisionModel(dir);
  const mllmJson = join(dirname(dir), MLLM_CONFIG_FILE);
  const config = existsSync(mllmJson) ? readMllmConfig(mllmJson) : undefined;
  const layer = config?.featureLayer ?? -2;
  if (config && !existsSync(join(dir, PREPROCESSOR_FILE))) return { dir, model, prep: config.imageProcessor, prepSource: mllmJson, layer };
  return { dir, model, ...folderImageProcessor(dir, model), layer };
}

/**
 * The encoder of an MLLM checkpoint: its `encoder/` folder for one written here (mllm.json), or the vision tower of
 * a Hugging Face LLaVA folder (an imported run) with the folder's preprocessor_config.json and vision_feature_layer,
 * read without its language model.
 */
export async function openCheckpointEncoder(checkpoint: string): Promise<LoadedEncoder> {
  if (!isLlavaFolder(checkpoint)) return loadEncoderFolder(join(checkpoint, 'encoder'));
  const { encoder: model, llava } = loadLlavaVisionTower(checkpoint);
  return { dir: checkpoint, model, ...folderImageProcessor(checkpoint, model), layer: llava.featureLayer };
}

/** The image processor of `dir`'s preprocessor_config.json, or the family's defaults when it has none; and which. */
function folderImageProcessor(dir: string, model: VisionModel): Pick<LoadedEncoder, 'prep' | 'prepSource'> {
  const clip = model.config instanceof CLIPVisionConfig;
  const size = model.config.image_size;
  const preprocessor = join(dir, PREPROCESSOR_FILE);
  if (existsSync(preprocessor)) return { prep: loadImageProcessor(dir, clip ? 'clip' : 'siglip', size), prepSource: preprocessor };
  return { prep: defaultImageProcessor(clip ? 'clip' : 'siglip', size), prepSource: `${clip ? 'CLIP' : 'SigLIP'} defaults` };
}

/** What the linear probe ran on, beside its result. */
export interface LinearMeasurement {
  /** protocol: LINEAR_PROBE_PROTOCOL, or LINEAR_PROBE_PROJECTOR_PROTOCOL on the encoder + projector. */
  result: Omit<LinearProbeResult, 'protocol'> & { protocol: string };
  data: string;
  layer: number;
}

export interface SegmentationMeasurement {
  result: SegmentationProbeResult;
  data: string;
  layer: number;
}

export interface AlignmentMeasurement {
  result: LayerwiseAlignment;
  data: string;
  visionPooling: string;
  lm: string;
}

/** Decoded images of a dataset for one encoder, cached so the three measures decode once. */
export class EncoderImages {
  private cache: Float32Array[] | null = null;

  constructor(readonly encoder: LoadedEncoder, readonly dataset: ProbeDataset) {}

  async all(): Promise<Float32Array[]> {
    this.cache ??= await loadImages(this.dataset.items.map((i) => i.image), this.encoder.prep);
    return this.cache;
  }
}

/** Which of the folder's images were measured: all, or its first so many. */
function measuredPart(dataset: ProbeDataset): string {
  return dataset.imagesInFolder === undefined ? '' : ` (its first ${dataset.items.length} of ${dataset.imagesInFolder})`;
}

function describeData(dataset: ProbeDataset, n: number): string {
  return `${n} images of ${dataset.root}${measuredPart(dataset)} (${dataset.layout}); each seed draws its own test split (20 %)`;
}

function requireLabels(dataset: ProbeDataset): void {
  if (!dataset.items.some((i) => i.label !== undefined)) throw new PivotError('INVALID_DATA', `${dataset.root}: no image has a class label; the linear probe needs labels (a Shapes world or class folders)`, { folder: dataset.root });
}

/**
 * Linear probe on every labelled image: each seed is a split seed (stratified 80/20 test split, then 20 % of the
 * rest to choose C). The Shapes world's fixed test split is not used: at study sizes it is a handful of images.
 */
export async function measureLinear(images: EncoderImages, seeds: readonly number[]): Promise<LinearMeasurement> {
  const { encoder, dataset } = images;
  requireLabels(dataset);
  const probeEncoder = visionModelEncoder(encoder.model, { layer: encoder.layer });
  const pooled = await extractPooledFeatures(probeEncoder, await images.all(), probeEncoder.imageSize, { withCls: probeEncoder.hasClassToken });
  const result = linearProbe(pooled, dataset.items.map((i) => i.label ?? -1), { seeds, classNames: dataset.labelNames });
  return { result, data: describeData(dataset, dataset.items.length), layer: probeEncoder.layer };
}

/**
 * The same probe on an MLLM's visual tokens (encoder + projector, what its LM receives). `images` must be
 * normalised as the MLLM normalises them (its mllm.json), or the tokens would not be the LM's.
 */
export async function measureLinearWithProjector(images: EncoderImages, mllm: Mllm, seeds: readonly number[]): Promise<LinearMeasurement> {
  const { dataset, encoder } = images;
  if (!isDeepStrictEqual(encoder.prep, mllm.config.imageProcessor)) {
    throw new PivotError('INVALID_CONFIG', `linear probe (encoder + projector): the images are prepared per ${encoder.prepSource}, not as the MLLM prepares them (its ${MLLM_CONFIG_FILE})`, { encoder: encoder.dir });
  }
  requireLabels(dataset);
  const probeEncoder = mllmVisualTokenEncoder(mllm);
  const pooled = await extractPooledFeatures(probeEncoder, await images.all(), probeEncoder.imageSize);
  const result = linearProbe(pooled, dataset.items.map((i) => i.label ?? -1), { seeds, classNames: dataset.labelNames });
  return { result: { ...result, protocol: LINEAR_PROBE_PROJECTOR_PROTOCOL }, data: describeData(dataset, dataset.items.length), layer: probeEncoder.layer };
}

/**
 * The MLLM's own encoder as a probe encoder: its normalisation and feature layer, as the MLLM reads them — from
 * mllm.json for a checkpoint written here, from preprocessor_config.json (or the family's defaults) for a LLaVA folder.
 */
export function mllmLoadedEncoder(mllm: Mllm, checkpoint: string): LoadedEncoder {
  const [dir, prepSource] = isLlavaFolder(checkpoint) ? [checkpoint, folderImageProcessor(checkpoint, mllm.encoder).prepSource] : [join(checkpoint, 'encoder'), join(checkpoint, MLLM_CONFIG_FILE)];
  return { dir, model: mllm.encoder, prep: mllm.config.imageProcessor, prepSource, layer: mllm.config.featureLayer };
}

/** Patch-Seg probe on every image with a mask, the study's protocol (5 epochs, LR 1e-3), one test split per seed. */
export async function measureSegmentation(images: EncoderImages, seeds: readonly number[]): Promise<SegmentationMeasurement> {
  const { encoder, dataset } = images;
  const items = dataset.items.filter((i) => i.mask !== undefined && existsSync(i.mask));
  if (items.length !== dataset.items.length) throw new PivotError('INVALID_DATA', `${dataset.root}: ${dataset.items.length - items.length} of ${dataset.items.length} images have no mask; the segmentation probe needs a mask per image`, { folder: dataset.root });
  if (dataset.maskClassNames.length === 0) throw new PivotError('INVALID_DATA', `${dataset.root}: no classes.json; the segmentation probe needs the mask class names`, { folder: dataset.root });
  const probeEncoder = visionModelEncoder(encoder.model, { layer: encoder.layer });
  const { tokens, channels } = await encodePatchTokens(probeEncoder, await images.all(), probeEncoder.imageSize);
  const masks = await loadMasks(items.map((i) => ({ image: i.image, mask: i.mask as string })));
  const result = await segmentationProbe(
    { tokens, grid: probeEncoder.grid, channels, masks, numClasses: dataset.maskClassNames.length, classNames: dataset.maskClassNames, ignoreIndex: dataset.ignoreIndex, ids: items.map((i) => i.id) },
    { seeds, ...STUDY_SEGMENTATION },
  );
  return { result, data: describeData(dataset, items.length), layer: probeEncoder.layer };
}

/** A language model and the tokenizer of its texts: what alignment compares the encoder with. */
export interface AlignmentLm {
  model: LanguageModelLike;
  encode(text: string): number[];
  padId: number;
  /** Where it came from, for the report. */
  source: string;
}

/** Each image's caption: Shapes worlds have one per image in captions.jsonl. */
export function captionsOf(dataset: ProbeDataset): string[] {
  const path = join(dataset.root, 'captions.jsonl');
  if (dataset.layout !== 'shapes-world' || !existsSync(path)) throw new PivotError('INVALID_DATA', `${dataset.root}: alignment needs a caption per image (a Shapes world's captions.jsonl)`, { folder: dataset.root });
  // By image, not by line: a probe may measure part of the world (its first images).
  const byImage = new Map<string, string>();
  readFileSync(path, 'utf8').split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let row: { image?: unknown; caption?: unknown };
    try {
      row = JSON.parse(line) as typeof row;
    } catch {
      throw new PivotError('INVALID_DATA', `${path}: line ${i + 1} is not valid JSON`, { file: path, line: i + 1 });
    }
    if (typeof row.caption !== 'string' || row.caption === '') throw new PivotError('INVALID_DATA', `${path}: line ${i + 1} has no "caption"`, { file: path, line: i + 1 });
    if (typeof row.image === 'string') byImage.set(join(dataset.root, row.image), row.caption);
  });
  return dataset.items.map((item) => {
    const caption = byImage.get(item.image);
    if (caption === undefined) throw new PivotError('INVALID_DATA', `${path}: no caption for ${item.image}`, { file: path });
    return caption;
  });
}

/** LM features of the captions, per layer: computed once and shared by every encoder measured against that LM. */
export async function captionLmFeatures(lm: AlignmentLm, dataset: ProbeDataset): Promise<Float32Array[][]> {
  return lmLayerFeatures(lm.model, captionsOf(dataset).map((c) => lm.encode(c)), { padId: lm.padId });
}

/**
 * Mutual k-NN (k = 10) between the encoder's per-layer features (class token, or mean of patch tokens for SigLIP)
 * of every image and the LM's mean-pooled per-layer features of its caption; the best layer pair.
 */
export async function measureAlignment(images: EncoderImages, lm: AlignmentLm, lmFeatures?: Float32Array[][]): Promise<AlignmentMeasurement> {
  const { dataset } = images;
  if (dataset.items.length <= STUDY_ALIGNMENT_K) throw new PivotError('INVALID_DATA', `alignment: ${dataset.items.length} images; mutual k-NN with k = ${STUDY_ALIGNMENT_K} needs more than ${STUDY_ALIGNMENT_K}`, { images: dataset.items.length, k: STUDY_ALIGNMENT_K });
  const text = lmFeatures ?? (await captionLmFeatures(lm, dataset));
  const vision = await visionLayerFeatures(images.encoder.model, await images.all());
  const result = layerwiseAlignment(vision.layers, text, { k: STUDY_ALIGNMENT_K });
  return { result, data: `${dataset.items.length} images of ${dataset.root}${measuredPart(dataset)} with their captions`, visionPooling: vision.pooling, lm: lm.source };
}
