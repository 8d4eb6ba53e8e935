// Images and masks as the probes take them: through the encoder's image processor into NCHW float32;
// masks as class ids, resized nearest-neighbour only.
import sharp from 'sharp';
import { PivotError } from '../../../src-shared/errors';
import { decodeImage as decodeTrainingImage, type ImagePreprocessing } from '../data/batches/images';
import { readMaskPng, resizeMaskNearest, type ClassMask } from './mask-png';

/** How the encoder wants its pixels: its image processor. */
export type ImagePreprocess = ImagePreprocessing;

export { CLIP_MEAN, CLIP_STD, SIGLIP_MEAN, SIGLIP_STD } from '../models/hf/image-processor';

const IN_FLIGHT = 8;

/**
 * One image → float32 [3, size, size] (flattened), normalised: the very decoding training uses, so probe features
 * match; an unreadable image names its file.
 */
export async function decodeImage(path: string, prep: ImagePreprocess): Promise<Float32Array> {
  try {
    return await decodeTrainingImage(path, prep);
  } catch (err) {
    throw new PivotError('FILE_UNREADABLE', `${path}: cannot read image (${(err as Error).message})`);
  }
}

/** Runs `work` over `items` with a few in flight, keeping the order of `items`. */
async function mapLimited<T, R>(items: readonly T[], work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  for (let start = 0; start < items.length; start += IN_FLIGHT) {
    const chunk = items.slice(start, start + IN_FLIGHT);
    const done = await Promise.all(chunk.map((item, k) => work(item, start + k)));
    done.forEach((r, k) => (out[start + k] = r));
  }
  return out;
}

/** Every image, decoded; the first unreadable one fails the load, naming its file. */
export async function loadImages(paths: readonly string[], prep: ImagePreprocess, onProgress?: (done: number, total: number) => void): Promise<Float32Array[]> {
  let done = 0;
  return mapLimited(paths, async (path) => {
    const pixels = await decodeImage(path, prep);
    onProgress?.(++done, paths.length);
    return pixels;
  });
}

/** Stacks per-image [3, S, S] pixels (a slice of them) into one NCHW buffer. */
export function stackPixels(images: readonly Float32Array[], size: number, from = 0, to = images.length): Float32Array {
  const each = 3 * size * size;
  const out = new Float32Array((to - from) * each);
  for (let i = from; i < to; i++) {
    const img = images[i] as Float32Array;
    if (img.length !== each) throw new Error(`image ${i} has ${img.length} values, expected 3×${size}×${size}`);
    out.set(img, (i - from) * each);
  }
  return out;
}

/** What `loadMasks` is given per sample: the mask file and the image it must match in size. */
export interface MaskSource {
  image: string;
  mask: string;
}

/**
 * Every mask as class ids. A mask whose size differs from its image's is an error naming both files
 * (a mask for another image, or a resized copy). `resizeTo` resizes with nearest-neighbour, e.g. to
 * the encoder's size so mask pixels line up with what the encoder saw; leave it out for full resolution.
 */
export async function loadMasks(sources: readonly MaskSource[], resizeTo?: number): Promise<ClassMask[]> {
  return mapLimited(sources, async ({ image, mask }) => {
    const [decoded, meta] = await Promise.all([
      readMaskPng(mask),
      sharp(image)
        .metadata()
        .catch((err: Error) => {
          throw new PivotError('FILE_UNREADABLE', `${image}: cannot read image (${err.message})`);
        }),
    ]);
    // The stored size: decodeImage does not apply EXIF rotation either, so pixels and mask stay in one frame.
    const width = meta.width ?? 0;
    const height = meta.height ?? 0;
    if (decoded.width !== width || decoded.height !== height) {
      throw new PivotError('INVALID_DATA', `${mask}: mask is ${decoded.width}×${decoded.height} but its image ${image} is ${width}×${height}`, { file: mask });
    }
    return resizeTo === undefined ? decoded : resizeMaskNearest(decoded, resizeTo, resizeTo);
  });
}
