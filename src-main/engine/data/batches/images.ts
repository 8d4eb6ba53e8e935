// Images as the encoder takes them: decoded with sharp, resized to the encoder's size, scaled to [0, 1] and
// normalised per channel, in NCHW order; each image decoded once and its pixels kept for every later epoch.
import sharp from 'sharp';
import { datasetError } from './records';

/** How an MLLM prepares its images (from its `mllm.json`). */
export interface ImagePreprocessing {
  size: number;
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
}

/** One image → float32 [3, size, size], normalised. Bicubic resize, as CLIP's and SigLIP's processors do. */
export async function decodeImage(path: string, prep: ImagePreprocessing): Promise<Float32Array> {
  const { data, info } = await sharp(path)
    .removeAlpha()
    .toColourspace('srgb')
    .resize(prep.size, prep.size, { fit: 'fill', kernel: 'cubic' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const plane = prep.size * prep.size;
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const mean = prep.mean[c] as number;
    const std = prep.std[c] as number;
    for (let i = 0; i < plane; i++) out[c * plane + i] = ((data[i * info.channels + c] as number) / 255 - mean) / std;
  }
  return out;
}

const IN_FLIGHT = 8;

/** Decoded pixels by image path. */
export class ImageCache {
  private readonly pixelsByPath = new Map<string, Float32Array>();

  constructor(readonly prep: ImagePreprocessing) {}

  /**
   * Decodes every image not cached yet. A file that does not decode fails the whole load, naming the image and
   * the record (`usedBy`) that refers to it, before any training step runs.
   */
  async load(paths: Iterable<string>, usedBy: (path: string) => string): Promise<void> {
    const pending = [...new Set(paths)].filter((p) => !this.pixelsByPath.has(p));
    const problems: string[] = [];
    for (let start = 0; start < pending.length; start += IN_FLIGHT) {
      await Promise.all(
        pending.slice(start, start + IN_FLIGHT).map(async (path) => {
          try {
            this.pixelsByPath.set(path, await decodeImage(path, this.prep));
          } catch (err) {
            problems.push(`${usedBy(path)}: image ${path} cannot be decoded (${(err as Error).message})`);
          }
        }),
      );
    }
    if (problems.length > 0) throw datasetError(problems, 'Replace these images with PNG or JPEG files, or remove the lines that use them.');
  }

  /** The pixels of a loaded image, [3, size, size] flattened. */
  pixels(path: string): Float32Array {
    const pixels = this.pixelsByPath.get(path);
    if (!pixels) throw new Error(`ImageCache: ${path} was not loaded`);
    return pixels;
  }

  get size(): number {
    return this.pixelsByPath.size;
  }
}
