// The image processor of a CLIP or SigLIP encoder, read from `preprocessor_config.json` and applied as
// transformers' CLIPImageProcessor / SiglipImageProcessor do: convert to RGB, resize (CLIP: shortest edge,
// then centre crop; SigLIP: to height × width), rescale, normalise — on images of any size and aspect.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { PivotError } from '../../../../src-shared/errors';
import { PIL_RESAMPLES, pilResize } from './pil-resize';
import type { VisionFamily } from './vision-family';

type Rgb = [number, number, number];
type Size = { height: number; width: number };

/** An image processor's settings, the fields of preprocessor_config.json (absent steps as null). */
export interface ImageProcessorConfig {
  /** `image_processor_type`, kept so that transformers picks the same class back. */
  type: 'CLIPImageProcessor' | 'SiglipImageProcessor';
  /** `do_convert_rgb`: grey, palette and alpha images become RGB (alpha dropped). */
  convertRgb: boolean;
  /** `size` when `do_resize`: CLIP's shortest edge (aspect kept) or an exact height × width. */
  resize: { shortestEdge: number } | Size | null;
  /** `resample`, Pillow's code: 1 Lanczos, 2 bilinear, 3 bicubic, 4 box, 5 Hamming. */
  resample: number;
  /** `crop_size` when `do_center_crop`. */
  centerCrop: Size | null;
  /** `rescale_factor` when `do_rescale` (1/255 maps bytes to [0, 1]). */
  rescaleFactor: number | null;
  /** `image_mean` / `image_std` when `do_normalize`. */
  normalize: { mean: Rgb; std: Rgb } | null;
}

/** OpenAI CLIP's normalisation (CLIPImageProcessor's defaults). */
export const CLIP_MEAN: Rgb = [0.48145466, 0.4578275, 0.40821073];
export const CLIP_STD: Rgb = [0.26862954, 0.26130258, 0.27577711];
/** SigLIP's normalisation (SiglipImageProcessor's defaults): [0, 1] to [−1, 1]. */
export const SIGLIP_MEAN: Rgb = [0.5, 0.5, 0.5];
export const SIGLIP_STD: Rgb = [0.5, 0.5, 0.5];

const BICUBIC = 3;

/** The family's processor as transformers builds it without a config file, for an encoder taking `imageSize` px. */
export function defaultImageProcessor(family: VisionFamily, imageSize: number): ImageProcessorConfig {
  const square = { height: imageSize, width: imageSize };
  return family === 'clip'
    ? { type: 'CLIPImageProcessor', convertRgb: true, resize: { shortestEdge: imageSize }, resample: BICUBIC, centerCrop: square, rescaleFactor: 1 / 255, normalize: { mean: [...CLIP_MEAN], std: [...CLIP_STD] } }
    : { type: 'SiglipImageProcessor', convertRgb: true, resize: square, resample: BICUBIC, centerCrop: null, rescaleFactor: 1 / 255, normalize: { mean: [...SIGLIP_MEAN], std: [...SIGLIP_STD] } };
}

/**
 * A parsed preprocessor_config.json over the family's defaults (a field absent takes the default, as in
 * transformers), checked to give `imageSize` × `imageSize` pixels; `source` names the file in errors.
 */
export function readImageProcessor(json: Record<string, unknown>, family: VisionFamily, imageSize: number, source: string): ImageProcessorConfig {
  const base = defaultImageProcessor(family, imageSize);
  const fail = (field: string, what: string): never => {
    throw new PivotError('INVALID_CONFIG', `${source}: "${field}" ${what}, got ${JSON.stringify(json[field])}`, { file: source, field });
  };
  const flag = (field: string, fallback: boolean): boolean => {
    const v = json[field];
    if (v === undefined || v === null) return fallback;
    return typeof v === 'boolean' ? v : fail(field, 'must be true or false');
  };
  const positive = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;
  // transformers' get_size_dict: an integer is CLIP's shortest edge, or a square; a dict is taken as written.
  const size = (field: string, int: (n: number) => { shortestEdge: number } | Size): { shortestEdge: number } | Size | undefined => {
    const v = json[field] as Record<string, unknown> | number | undefined;
    if (v === undefined || v === null) return undefined;
    if (positive(v)) return int(v);
    if (typeof v === 'object' && positive(v.shortest_edge) && v.height === undefined) return { shortestEdge: v.shortest_edge };
    if (typeof v === 'object' && positive(v.height) && positive(v.width)) return { height: v.height, width: v.width };
    return fail(field, 'must be {"height": H, "width": W}, {"shortest_edge": S} or a positive integer');
  };
  const rgb = (field: string, fallback: Rgb): Rgb => {
    const v = json[field];
    if (v === undefined || v === null) return fallback;
    if (typeof v === 'number') return [v, v, v];
    return Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number') ? (v as Rgb) : fail(field, 'must be a number or a list of 3 numbers');
  };

  const resizeSize = size('size', (n) => (family === 'clip' ? { shortestEdge: n } : { height: n, width: n })) ?? base.resize;
  const cropSize = size('crop_size', (n) => ({ height: n, width: n })) ?? { height: imageSize, width: imageSize };
  if ('shortestEdge' in cropSize) return fail('crop_size', 'must be {"height": H, "width": W}');
  const resample = json.resample ?? BICUBIC;
  if (typeof resample !== 'number' || !PIL_RESAMPLES.includes(resample)) fail('resample', 'must be Pillow\'s 1 (Lanczos), 2 (bilinear), 3 (bicubic), 4 (box) or 5 (Hamming)');
  const rescaleFactor = json.rescale_factor ?? base.rescaleFactor;
  if (typeof rescaleFactor !== 'number' || !(rescaleFactor > 0)) fail('rescale_factor', 'must be a positive number');
  const defaults = base.normalize as { mean: Rgb; std: Rgb };
  const std = rgb('image_std', defaults.std);
  if (std.some((s) => s === 0)) fail('image_std', 'must not contain 0');
  const type = json.image_processor_type === 'CLIPImageProcessor' || json.image_processor_type === 'SiglipImageProcessor' ? json.image_processor_type : base.type;

  const config: ImageProcessorConfig = {
    type,
    convertRgb: flag('do_convert_rgb', true),
    resize: flag('do_resize', true) ? resizeSize : null,
    resample: resample as number,
    centerCrop: flag('do_center_crop', family === 'clip') ? cropSize : null,
    rescaleFactor: flag('do_rescale', true) ? (rescaleFactor as number) : null,
    normalize: flag('do_normalize', true) ? { mean: rgb('image_mean', defaults.mean), std } : null,
  };
  const out = outputSize(config);
  if (out === null || out.height !== imageSize || out.width !== imageSize) {
    throw new PivotError('INVALID_CONFIG',
      `${source}: the processor makes ${out === null ? 'images of varying size (a shortest-edge resize without a centre crop, or no resize)' : `${out.width}×${out.height} px images`} ` +
        `but the encoder takes ${imageSize}×${imageSize}. Set "crop_size" (with "do_center_crop") or "size" to ${imageSize}.`,
      { file: source },
    );
  }
  if (config.centerCrop && config.resize && 'shortestEdge' in config.resize && Math.max(config.centerCrop.height, config.centerCrop.width) > config.resize.shortestEdge) {
    fail('crop_size', `must not exceed size.shortest_edge (${config.resize.shortestEdge}): transformers would pad the image`);
  }
  return config;
}

/** The file transformers keeps an image processor in. */
export const PREPROCESSOR_FILE = 'preprocessor_config.json';

/** The processor of a model folder: its preprocessor_config.json when it has one, else the family's defaults. */
export function loadImageProcessor(dir: string, family: VisionFamily, imageSize: number): ImageProcessorConfig {
  const path = join(dir, PREPROCESSOR_FILE);
  if (!existsSync(path)) return defaultImageProcessor(family, imageSize);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new PivotError('INVALID_DATA', `${path}: bad JSON (${(err as Error).message})`, { file: path });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new PivotError('INVALID_DATA', `${path}: expected a JSON object`, { file: path });
  return readImageProcessor(json as Record<string, unknown>, family, imageSize, path);
}

/** The preprocessor_config.json object of `config`, as transformers writes it (so that it loads the same processor). */
export function imageProcessorToJson(config: ImageProcessorConfig): Record<string, unknown> {
  const json: Record<string, unknown> = {
    do_convert_rgb: config.convertRgb,
    do_normalize: config.normalize !== null,
    do_rescale: config.rescaleFactor !== null,
    do_resize: config.resize !== null,
    image_mean: [...(config.normalize?.mean ?? (config.type === 'CLIPImageProcessor' ? CLIP_MEAN : SIGLIP_MEAN))],
    image_processor_type: config.type,
    image_std: [...(config.normalize?.std ?? (config.type === 'CLIPImageProcessor' ? CLIP_STD : SIGLIP_STD))],
    resample: config.resample,
    rescale_factor: config.rescaleFactor ?? 1 / 255,
  };
  if (config.resize) json.size = 'shortestEdge' in config.resize ? { shortest_edge: config.resize.shortestEdge } : { ...config.resize };
  if (config.type === 'CLIPImageProcessor') {
    json.do_center_crop = config.centerCrop !== null;
    if (config.centerCrop) json.crop_size = { ...config.centerCrop };
  }
  return Object.fromEntries(Object.keys(json).sort().map((k) => [k, json[k]]));
}

/** The size of the processor's output: the crop, else an exact resize; null when it depends on the image. */
export function outputSize(config: ImageProcessorConfig): Size | null {
  if (config.centerCrop) return config.centerCrop;
  return config.resize && !('shortestEdge' in config.resize) ? config.resize : null;
}

/** Where an image of `width` × `height` goes: the size it is resized to, and the box then cut from it. */
export interface ResizePlan {
  resized: { width: number; height: number };
  crop: { left: number; top: number; width: number; height: number } | null;
}

/** transformers' get_resize_output_image_size (default_to_square=False) and center_crop, on integer sizes. */
export function resizePlan(config: ImageProcessorConfig, width: number, height: number): ResizePlan {
  let resized = { width, height };
  if (config.resize && 'shortestEdge' in config.resize) {
    const short = config.resize.shortestEdge;
    // Python's int(short * long / short_side): the long side truncated.
    resized = width <= height ? { width: short, height: Math.trunc((short * height) / width) } : { width: Math.trunc((short * width) / height), height: short };
  } else if (config.resize) {
    resized = { width: config.resize.width, height: config.resize.height };
  }
  if (!config.centerCrop) return { resized, crop: null };
  const { width: cw, height: ch } = config.centerCrop;
  return { resized, crop: { left: Math.floor((resized.width - cw) / 2), top: Math.floor((resized.height - ch) / 2), width: cw, height: ch } };
}

/**
 * One image (a file path or its bytes) → float32 [3, H, W] (flattened, channel-first), processed as transformers
 * does: decoded by sharp, resized by Pillow's algorithm (pil-resize.ts), cropped, rescaled, normalised. EXIF
 * orientation is not applied, so that pixels and segmentation masks stay in one frame.
 */
export async function processImage(input: string | Buffer, config: ImageProcessorConfig): Promise<Float32Array> {
  // Alpha dropped as Pillow's convert('RGB') does; grey images become RGB even when convertRgb is off, because the
  // encoder takes three channels whatever the flag says.
  const { data, info } = await sharp(input).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const plan = resizePlan(config, info.width, info.height);
  const { width, height } = plan.resized;
  const pixels = pilResize(data, info.width, info.height, info.channels, width, height, config.resample);
  const box = plan.crop ?? { left: 0, top: 0, width, height };
  if (box.left < 0 || box.top < 0) {
    throw new PivotError('INVALID_DATA',
      `image of ${info.width}×${info.height} px is smaller than the processor's crop of ${box.width}×${box.height}; use a larger image or turn on the resize`);
  }
  const plane = box.width * box.height;
  const out = new Float32Array(3 * plane);
  const scale = config.rescaleFactor ?? 1;
  for (let c = 0; c < 3; c++) {
    const mean = config.normalize?.mean[c] ?? 0;
    const std = config.normalize?.std[c] ?? 1;
    for (let y = 0; y < box.height; y++) {
      for (let x = 0; x < box.width; x++) {
        const value = pixels[((box.top + y) * width + box.left + x) * info.channels + c] as number;
        out[c * plane + y * box.width + x] = (value * scale - mean) / std;
      }
    }
  }
  return out;
}
