// Pure pixel logic of the segmentation viewer: class ids from a decoded grey PNG, the error map, the coloured
// overlay over the image, the pixel and class under the pointer, and the order of the images (worst SFT→DPO recall
// change first).
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
/** Class ids are the red channel of a grey PNG, so one byte. */
const ID_COUNT = 256;

/** Per class id: its RGB (UNKNOWN_RGB when not in the palette) and whether it is drawn. */
function classLut(options: OverlayOptions): { rgb: Uint8Array; drawn: Uint8Array } {
  const rgb = new Uint8Array(ID_COUNT * 3);
  const drawn = new Uint8Array(ID_COUNT).fill(1);
  for (let id = 0; id < ID_COUNT; id++) rgb.set(UNKNOWN_RGB, id * 3);
  for (const c of options.classes) if (c.id >= 0 && c.id < ID_COUNT) rgb.set(c.rgb, c.id * 3);
  for (const id of options.hidden) if (id >= 0 && id < ID_COUNT) drawn[id] = 0;
  return { rgb, drawn };
}

/**
 * RGBA pixels: the image (RGBA, same size, or black when null) with each pixel's class colour blended over it.
 * Written into `out` when given (an ImageData's buffer, reused between draws), in one pass with no per-pixel
 * allocation: examples are redrawn on every control change, so this runs for every panel on screen.
 */
export function overlayPixels(
  ids: ArrayLike<number>,
  image: ArrayLike<number> | null,
  options: OverlayOptions,
  out: Uint8ClampedArray = new Uint8ClampedArray(ids.length * 4),
): Uint8ClampedArray {
  const { rgb, drawn } = classLut(options);
  const a = Math.min(1, Math.max(0, options.opacity));
  const keep = 1 - a;
  const errors = options.errors ?? null;
  const [er, eg, eb] = ERROR_RGB;
  for (let i = 0, p = 0; i < ids.length; i++, p += 4) {
    const r = image ? (image[p] as number) : 0;
    const g = image ? (image[p + 1] as number) : 0;
    const b = image ? (image[p + 2] as number) : 0;
    const id = ids[i] as number;
    const known = id >= 0 && id < ID_COUNT;
    if (errors && errors[i]) {
      // Opacity 1: (1 - 1) * base + 1 * colour is the colour itself.
      out[p] = er;
      out[p + 1] = eg;
      out[p + 2] = eb;
    } else if (known ? drawn[id] === 0 : options.hidden.has(id)) {
      out[p] = r;
      out[p + 1] = g;
      out[p + 2] = b;
    } else {
      const c = known ? id * 3 : -1;
      out[p] = Math.round(keep * r + a * (c < 0 ? UNKNOWN_RGB[0] : (rgb[c] as number)));
      out[p + 1] = Math.round(keep * g + a * (c < 0 ? UNKNOWN_RGB[1] : (rgb[c + 1] as number)));
      out[p + 2] = Math.round(keep * b + a * (c < 0 ? UNKNOWN_RGB[2] : (rgb[c + 2] as number)));
    }
    out[p + 3] = 255;
  }
  return out;
}

/** The pixel index of a width×height picture under the pointer at (x, y), given the picture's on-screen box (zoom
 * and pan included, as getBoundingClientRect gives it); null outside the picture. */
export function pixelUnder(box: { left: number; top: number; width: number; height: number }, x: number, y: number, width: number, height: number): number | null {
  if (box.width <= 0 || box.height <= 0) return null;
  const px = Math.floor(((x - box.left) / box.width) * width);
  const py = Math.floor(((y - box.top) / box.height) * height);
  return px >= 0 && px < width && py >= 0 && py < height ? py * width + px : null;
}

/** A class id's name in the report's palette ("ignored" for 255, "class 7" for an id the palette lacks). */
export function className(classes: readonly ExampleClass[], id: number, ignoreIndex = 255): string {
  if (id === ignoreIndex) return 'ignored';
  return classes.find((c) => c.id === id)?.name ?? `class ${id}`;
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
