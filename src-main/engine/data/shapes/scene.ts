// Samples the content of one image (objects, distractors, background, noise parameters) as plain
// data; rendering is a pure function of this, so metadata fully describes what was drawn.

import type { ResolvedDifficulty } from './difficulty';
import { clutterPixels, nearOccupied, objectPixels, type ClutterFootprint } from './geometry';
import { Rng } from '../../random';
import { streamRng, streamSeed } from './streams';
import { COLOR_RGB, COLORS, SHAPES, classIdOf, type Color, type Rgb, type Shape } from './vocab';

export interface SceneObject {
  /** 1-based, in drawing order: a later instance is drawn over (occludes) an earlier one. */
  instance: number;
  shape: Shape;
  color: Color;
  classId: number;
  /** Centre of the shape's box in px (x right, y down). */
  cx: number;
  cy: number;
  /** Edge of the shape's box in px. */
  size: number;
  /** Tight box of the full (unoccluded) footprint: [x, y, width, height]. */
  bbox: [number, number, number, number];
  visiblePixels: number;
  /** The exact colour drawn (the palette colour with a small per-object jitter). */
  rgb: Rgb;
}

export interface ClutterItem extends ClutterFootprint {
  color: Color | 'gray';
  rgb: Rgb;
}

export type BackgroundKind = 'noise' | 'stripes' | 'gradient';

export interface Background {
  kind: BackgroundKind;
  colors: [Rgb, Rgb];
  /** Direction of the gradient / stripes, radians. */
  angle: number;
  /** Stripe period in px. */
  period: number;
  phase: number;
  /** Cells per side of the value-noise grid. */
  grid: number;
  textureSeed: number;
}

export interface Scene {
  seed: number;
  index: number;
  size: number;
  objects: SceneObject[];
  clutter: ClutterItem[];
  background: Background;
  noise: { std: number; seed: number };
}

const PLACEMENT_TRIES = 60;
const CLUTTER_TRIES = 20;
const COLOR_JITTER = 12;

const round = (v: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};
const clampByte = (v: number): number => Math.max(0, Math.min(255, Math.round(v)));

/** Colour and shape of the next object; look-alikes with the probabilities of the difficulty. */
function pickAttributes(rng: Rng, placed: readonly SceneObject[], d: ResolvedDifficulty): [Shape, Color] {
  const usedColors = [...new Set(placed.map((o) => o.color))];
  const usedShapes = [...new Set(placed.map((o) => o.shape))];
  const shareColor = placed.length > 0 && rng.chance(d.sharedColors);
  const shareShape = placed.length > 0 && rng.chance(d.sharedShapes);
  const pool = <T>(all: readonly T[], used: T[], share: boolean): readonly T[] => {
    if (share) return used;
    const fresh = all.filter((v) => !used.includes(v));
    return fresh.length > 0 ? fresh : all;
  };
  const colors = pool(COLORS, usedColors, shareColor);
  const shapes = pool(SHAPES, usedShapes, shareShape);
  // Exact duplicates are excluded so "the red circle" always names one object.
  const taken = new Set(placed.map((o) => o.classId));
  let combos: [Shape, Color][] = [];
  for (const s of shapes) for (const c of colors) if (!taken.has(classIdOf(s, c))) combos.push([s, c]);
  if (combos.length === 0) {
    for (const s of SHAPES) for (const c of COLORS) if (!taken.has(classIdOf(s, c))) combos.push([s, c]);
  }
  return rng.pick(combos);
}

/** True when a pixel of `pixels` is the same as, or 4-adjacent to, a pixel of a same-colour object. */
function touchesSameColor(pixels: readonly number[], occ: Uint8Array, size: number, same: ReadonlySet<number>): boolean {
  if (same.size === 0) return false;
  for (const p of pixels) {
    const x = p % size;
    const neighbours = [p, x > 0 ? p - 1 : -1, x < size - 1 ? p + 1 : -1, p - size, p + size];
    for (const q of neighbours) {
      if (q >= 0 && q < occ.length && same.has(occ[q] as number)) return true;
    }
  }
  return false;
}

function sampleObjects(rng: Rng, size: number, d: ResolvedDifficulty): { objects: SceneObject[]; occ: Uint8Array } {
  const scale = size / 64;
  const occ = new Uint8Array(size * size);
  const objects: SceneObject[] = [];
  const full: number[] = [];
  const visible: number[] = [];
  const minVisible = Math.max(6, Math.round(12 * scale * scale));
  const target = rng.int(d.objects.min, d.objects.max);
  for (let i = 0; i < target; i++) {
    const [shape, color] = pickAttributes(rng, objects, d);
    const edge = Math.max(4, Math.round(rng.int(d.objectSize.min, d.objectSize.max) * scale));
    const same = new Set(objects.filter((o) => o.color === color).map((o) => o.instance));
    for (let attempt = 0; attempt < PLACEMENT_TRIES; attempt++) {
      const cx = rng.int(0, size - edge) + edge / 2;
      const cy = rng.int(0, size - edge) + edge / 2;
      const pixels = objectPixels({ shape, cx, cy, size: edge }, size);
      if (!fitsOcclusion(pixels, occ, full, visible, d.occlusion, minVisible)) continue;
      // Same-colour objects never touch, or two of them would read as one blob.
      if (touchesSameColor(pixels, occ, size, same)) continue;
      const instance = objects.length + 1;
      for (const p of pixels) {
        const j = occ[p] as number;
        if (j > 0) visible[j - 1] = (visible[j - 1] as number) - 1;
        occ[p] = instance;
      }
      full.push(pixels.length);
      visible.push(pixels.length);
      const base = COLOR_RGB[color];
      const jitter = () => rng.int(-COLOR_JITTER, COLOR_JITTER);
      objects.push({
        instance,
        shape,
        color,
        classId: classIdOf(shape, color),
        cx,
        cy,
        size: edge,
        bbox: tightBox(pixels, size),
        visiblePixels: 0,
        rgb: [clampByte(base[0] + jitter()), clampByte(base[1] + jitter()), clampByte(base[2] + jitter())],
      });
      break;
    }
  }
  objects.forEach((o, k) => (o.visiblePixels = visible[k] as number));
  return { objects, occ };
}

function fitsOcclusion(
  pixels: readonly number[],
  occ: Uint8Array,
  full: readonly number[],
  visible: readonly number[],
  occlusion: number,
  minVisible: number,
): boolean {
  const hidden = new Map<number, number>();
  for (const p of pixels) {
    const j = occ[p] as number;
    if (j > 0) hidden.set(j, (hidden.get(j) ?? 0) + 1);
  }
  if (hidden.size > 0 && occlusion === 0) return false;
  for (const [j, h] of hidden) {
    const left = (visible[j - 1] as number) - h;
    if (left < minVisible || left < Math.ceil((1 - occlusion) * (full[j - 1] as number))) return false;
  }
  return true;
}

function tightBox(pixels: readonly number[], size: number): [number, number, number, number] {
  let x0 = size;
  let y0 = size;
  let x1 = -1;
  let y1 = -1;
  for (const p of pixels) {
    const x = p % size;
    const y = (p - x) / size;
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  return [x0, y0, x1 - x0 + 1, y1 - y0 + 1];
}

/** Tiny dots and short lines, kept 2 px (scaled) away from objects so they never merge with one. */
function sampleClutter(rng: Rng, size: number, d: ResolvedDifficulty, occ: Uint8Array): ClutterItem[] {
  const scale = size / 64;
  const gap = Math.max(1, Math.round(2 * scale));
  const out: ClutterItem[] = [];
  const n = rng.int(d.clutter.min, d.clutter.max);
  for (let i = 0; i < n; i++) {
    const dot = rng.chance(0.5);
    const palette = rng.chance(0.65);
    const color: Color | 'gray' = palette ? rng.pick(COLORS) : 'gray';
    const gray = rng.chance(0.5) ? rng.int(25, 60) : rng.int(195, 235);
    const rgb: Rgb = color === 'gray' ? [gray, gray, gray] : [...COLOR_RGB[color]] as Rgb;
    for (let attempt = 0; attempt < CLUTTER_TRIES; attempt++) {
      const x0 = round(rng.float(1, size - 1), 2);
      const y0 = round(rng.float(1, size - 1), 2);
      let item: ClutterItem;
      if (dot) {
        item = { kind: 'dot', x0, y0, x1: x0, y1: y0, radius: round(rng.float(0.8, 1.6) * scale, 2), color, rgb };
      } else {
        const len = rng.float(3, 7) * scale;
        const a = rng.float(0, Math.PI);
        const x1 = round(Math.min(size - 1, Math.max(1, x0 + len * Math.cos(a))), 2);
        const y1 = round(Math.min(size - 1, Math.max(1, y0 + len * Math.sin(a))), 2);
        item = { kind: 'line', x0, y0, x1, y1, radius: round(0.6 * scale, 2), color, rgb };
      }
      const pixels = clutterPixels(item, size);
      if (pixels.length === 0 || nearOccupied(pixels, occ, size, gap)) continue;
      out.push(item);
      break;
    }
  }
  return out;
}

/** Muted colours (low chroma, mid lightness) so no background pixel looks like a palette colour. */
function sampleBackground(rng: Rng, seed: number, index: number, size: number): Background {
  const muted = (l: number): Rgb => [
    clampByte(l + rng.float(-18, 18)),
    clampByte(l + rng.float(-18, 18)),
    clampByte(l + rng.float(-18, 18)),
  ];
  const l0 = rng.float(70, 170);
  const l1 = Math.max(45, Math.min(200, l0 + (rng.chance(0.5) ? 1 : -1) * rng.float(25, 55)));
  const kinds: BackgroundKind[] = ['noise', 'stripes', 'gradient'];
  return {
    kind: rng.pick(kinds),
    colors: [muted(l0), muted(l1)],
    angle: round(rng.float(0, Math.PI), 4),
    period: round(rng.float(6, 16) * (size / 64), 3),
    phase: round(rng.float(0, 2 * Math.PI), 4),
    grid: rng.int(3, 6),
    textureSeed: streamSeed(seed, index, 'texture'),
  };
}

/** The scene of image `index` of the world with this seed; independent of how many images are made. */
export function sampleScene(seed: number, index: number, size: number, d: ResolvedDifficulty): Scene {
  const rng = streamRng(seed, index, 'scene');
  const background = sampleBackground(rng, seed, index, size);
  const { objects, occ } = sampleObjects(rng, size, d);
  const clutter = sampleClutter(rng, size, d, occ);
  return { seed, index, size, objects, clutter, background, noise: { std: d.noise, seed: streamSeed(seed, index, 'noise') } };
}
