// Pure pixel logic of the segmentation viewer: class ids from a decoded grey PNG, the error map, the coloured
// overlay over the image, and the order of the images (worst SFT→DPO recall change first).
import type { ExampleClass, SegmentationExample } from '../../../../src-shared/domain/study-examples';

/** Class ids of a decoded grey PNG's RGBA pixels (the red channel; R = G = B for grey). */
export function idsFromRgba(rgba: ArrayLike<number>): Uint8Array {
  const ids = new Uint8Array(Math.floor(rgba.length / 4));
  for (let i = 0; i < ids.length; i++) ids[i] = rgba[i * 4] as number;
  return ids;
}

/** 1 where the prediction differs from the truth, 0 elsewhere (and where the truth is the ignored class). */
export function errorMap(truth: ArrayLike<number>, predicted: ArrayLike<number>, ignoreIndex = 255): Uint8Array {
  const out = new Uint8Array(truth.length);
  for (let i = 0; i < truth.length; i++) out[i] = truth[i] !== ignoreIndex && truth[i] !== predicted[i] ? 1 : 0;
  return out;
}

export interface OverlayOptions {
  classes: readonly ExampleClass[];
  /** Classes not drawn (the image shows through). */
  hidden: ReadonlySet<number>;
  /** Class colour opacity over the image, 0..1. */
  opacity: number;
  /** When given, pixels marked 1 are drawn red instead of their class. */
  errors?: Uint8Array | null;
}

export const ERROR_RGB: [number, number, number] = [255, 0, 0];
const UNKNOWN_RGB: [number, number, number] = [128, 128, 128];

/** RGBA pixels: the image (RGBA, same size, or black when null) with each pixel's class colour blended over it. */
export function overlayPixels(ids: ArrayLike<number>, image: ArrayLike<number> | null, options: OverlayOptions): Uint8ClampedArray {
  const palette = new Map(options.classes.map((c) => [c.id, c.rgb]));
  const out = new Uint8ClampedArray(ids.length * 4);
  const a = Math.min(1, Math.max(0, options.opacity));
  for (let i = 0; i < ids.length; i++) {
    const base = [image ? (image[i * 4] as number) : 0, image ? (image[i * 4 + 1] as number) : 0, image ? (image[i * 4 + 2] as number) : 0];
    const id = ids[i] as number;
    let colour: readonly number[] | null = null;
    let alpha = a;
    if (options.errors && options.errors[i]) {
      colour = ERROR_RGB;
      alpha = 1;
    } else if (!options.hidden.has(id)) colour = palette.get(id) ?? UNKNOWN_RGB;
    for (let c = 0; c < 3; c++) out[i * 4 + c] = colour ? Math.round((1 - alpha) * (base[c] as number) + alpha * (colour[c] as number)) : (base[c] as number);
    out[i * 4 + 3] = 255;
  }
  return out;
}

/** DPO recall − SFT recall of an image (null when either is missing). */
export function recallChange(example: SegmentationExample, from = 'sft', to = 'dpo'): number | null {
  const a = example.recall[from];
  const b = example.recall[to];
  return typeof a === 'number' && typeof b === 'number' ? b - a : null;
}

/** Images sorted by the SFT→DPO recall change, worst (largest drop) first; images without both scores last. */
export function sortWorstFirst(examples: readonly SegmentationExample[]): SegmentationExample[] {
  return [...examples].sort((x, y) => {
    const a = recallChange(x);
    const b = recallChange(y);
    if (a === null || b === null) return a === null ? (b === null ? 0 : 1) : -1;
    return a - b;
  });
}
