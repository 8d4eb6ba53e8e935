// Images as the encoder takes them: each image file through the MLLM's image processor (resize, crop, rescale,
// normalise, as transformers does) into NCHW float32, decoded once and its pixels kept for every later epoch.
import { PivotError } from '../../../../src-shared/errors';
import { outputSize, processImage, type ImageProcessorConfig } from '../../models/hf/image-processor';
import { datasetError } from './records';

/** How an MLLM prepares its images: its image processor (from its `mllm.json`). */
export type ImagePreprocessing = ImageProcessorConfig;

/** One image file → float32 [3, side, side], as the processor makes it. */
export async function decodeImage(path: string, prep: ImagePreprocessing): Promise<Float32Array> {
  return processImage(path, prep);
}

/** The side of the square images `prep` makes; throws when its output is not one fixed square. */
export function processedSide(prep: ImagePreprocessing): number {
  const size = outputSize(prep);
  if (size === null || size.height !== size.width) {
    throw new PivotError('INVALID_CONFIG', `the image processor makes ${size === null ? 'images of varying size' : `${size.width}×${size.height} images`}; the encoder takes one square size`);
  }
  return size.height;
}

const IN_FLIGHT = 8;

/** Decoded pixels by image path. */
export class ImageCache {
  private readonly pixelsByPath = new Map<string, Float32Array>();

  /** Side of every image's pixels. */
  readonly side: number;

  constructor(readonly prep: ImagePreprocessing) {
    this.side = processedSide(prep);
  }

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

  /** The pixels of a loaded image, [3, side, side] flattened. */
  pixels(path: string): Float32Array {
    const pixels = this.pixelsByPath.get(path);
    if (!pixels) throw new Error(`ImageCache: ${path} was not loaded`);
    return pixels;
  }

  get size(): number {
    return this.pixelsByPath.size;
  }
}
