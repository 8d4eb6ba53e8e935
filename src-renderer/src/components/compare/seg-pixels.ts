// Pure pixel logic of the segmentation viewer: class ids from a decoded grey PNG, the error map, the coloured
// overlay over the image, the pixel and class under the pointer, and the order of the images (worst SFT→DPO recall
// change first).
import type { ExampleClass, SegmentationExample } from '../../../../src-shared/domain/study-examples';
import { UNKNOWN_CLASS_RGB } from '../../../../src-shared/domain/class-colours';

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
/** Class ids are the red channel of a grey PNG, so one byte. */
const ID_COUNT = 256;

/**
 * The blend of every class over every base value, precomputed once per draw: for each palette entry (the classes,
 * then the unknown colour, then "hidden", which keeps the base) and channel, 256 results of
 * round((1 − opacity)·base + opacity·colour). `slotOf` gives each id its entry.
 */
function blendLut(options: OverlayOptions, opacity: number): { table: Uint8Array; slotOf: Uint8Array; hiddenSlot: number; unknownSlot: number } {
  const colours = [...options.classes.map((c) => c.rgb), UNKNOWN_CLASS_RGB];
  const unknownSlot = colours.length - 1;
  const hiddenSlot = colours.length;
  const table = new Uint8Array((colours.length + 1) * 3 * 256);
  const keep = 1 - opacity;
  colours.forEach((rgb, slot) => {
    for (let c = 0; c < 3; c++) for (let base = 0; base < 256; base++) table[(slot * 3 + c) * 256 + base] = Math.round(keep * base + opacity * (rgb[c] as number));
  });
  for (let c = 0; c < 3; c++) for (let base = 0; base < 256; base++) table[(hiddenSlot * 3 + c) * 256 + base] = base;
  const slotOf = new Uint8Array(ID_COUNT).fill(unknownSlot);
  // A later class with the same id wins, as it did when the palette was a Map.
  options.classes.forEach((c, slot) => {
    if (c.id >= 0 && c.id < ID_COUNT) slotOf[c.id] = slot;
  });
  for (const id of options.hidden) if (id >= 0 && id < ID_COUNT) slotOf[id] = hiddenSlot;
  return { table, slotOf, hiddenSlot, unknownSlot };
}

/**
 * RGBA pixels: the image (RGBA, same size, or black when null) with each pixel's class colour blended over it.
 * Written into `out` when given (an ImageData's buffer, reused between draws), in one pass of table lookups with no
 * per-pixel allocation: examples are redrawn on every control change, so this runs for every panel on screen.
 */
export function overlayPixels(
  ids: ArrayLike<number>,
  image: ArrayLike<number> | null,
  options: OverlayOptions,
  out: Uint8ClampedArray = new Uint8ClampedArray(ids.length * 4),
): Uint8ClampedArray {
  const { table, slotOf, hiddenSlot, unknownSlot } = blendLut(options, Math.min(1, Math.max(0, options.opacity)));
  const errors = options.errors ?? null;
  const [er, eg, eb] = ERROR_RGB;
  for (let i = 0, p = 0; i < ids.length; i++, p += 4) {
    out[p + 3] = 255;
    if (errors && errors[i]) {
      // Drawn at full opacity: (1 − 1)·base + 1·colour is the colour itself.
      out[p] = er;
      out[p + 1] = eg;
      out[p + 2] = eb;
      continue;
    }
    const id = ids[i] as number;
    const slot = id >= 0 && id < ID_COUNT ? (slotOf[id] as number) : options.hidden.has(id) ? hiddenSlot : unknownSlot;
    const t = slot * 768;
    out[p] = table[t + (image ? (image[p] as number) : 0)] as number;
    out[p + 1] = table[t + 256 + (image ? (image[p + 1] as number) : 0)] as number;
    out[p + 2] = table[t + 512 + (image ? (image[p + 2] as number) : 0)] as number;
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
