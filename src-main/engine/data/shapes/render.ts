// Rasterises a Scene into the RGB image, the class mask and the instance mask. All three come
// from the same per-pixel coverage test, so masks are exact; no anti-aliasing by design.

import { clutterPixels, objectPixels } from './geometry';
import { Rng } from '../../random';
import type { Background, Scene } from './scene';

export interface RenderedScene {
  size: number;
  /** size*size*3, row-major RGB. */
  rgb: Uint8Array;
  /** size*size, class id of the visible object (0 = background, clutter included). */
  classMask: Uint8Array;
  /** size*size, instance index of the visible object (1..n, 0 = background). */
  instanceMask: Uint8Array;
}

const smooth = (t: number): number => t * t * (3 - 2 * t);

/** Background blend factor per pixel in [0, 1]. */
function textureField(bg: Background, size: number): Float32Array {
  const field = new Float32Array(size * size);
  const ca = Math.cos(bg.angle);
  const sa = Math.sin(bg.angle);
  if (bg.kind === 'noise') {
    // Value noise: a coarse random grid, smoothly interpolated, gives low-frequency blotches.
    const g = bg.grid;
    const rng = new Rng(bg.textureSeed);
    const values = new Float32Array((g + 1) * (g + 1));
    for (let i = 0; i < values.length; i++) values[i] = rng.next();
    const at = (i: number, j: number): number => values[j * (g + 1) + i] as number;
    for (let y = 0; y < size; y++) {
      const gy = ((y + 0.5) / size) * g;
      const j = Math.min(g - 1, Math.floor(gy));
      const ty = smooth(gy - j);
      for (let x = 0; x < size; x++) {
        const gx = ((x + 0.5) / size) * g;
        const i = Math.min(g - 1, Math.floor(gx));
        const tx = smooth(gx - i);
        const top = at(i, j) * (1 - tx) + at(i + 1, j) * tx;
        const bottom = at(i, j + 1) * (1 - tx) + at(i + 1, j + 1) * tx;
        field[y * size + x] = top * (1 - ty) + bottom * ty;
      }
    }
    return field;
  }
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const proj = (x + 0.5 - size / 2) * ca + (y + 0.5 - size / 2) * sa;
      field[y * size + x] =
        bg.kind === 'stripes'
          ? 0.5 + 0.5 * Math.sin((2 * Math.PI * proj) / bg.period + bg.phase)
          : Math.max(0, Math.min(1, proj / size + 0.5));
    }
  }
  return field;
}

export function renderScene(scene: Scene): RenderedScene {
  const size = scene.size;
  const n = size * size;
  const img = new Float32Array(n * 3);
  const classMask = new Uint8Array(n);
  const instanceMask = new Uint8Array(n);

  const field = textureField(scene.background, size);
  const [c0, c1] = scene.background.colors;
  for (let p = 0; p < n; p++) {
    const t = field[p] as number;
    for (let ch = 0; ch < 3; ch++) img[p * 3 + ch] = (c0[ch] as number) * (1 - t) + (c1[ch] as number) * t;
  }

  // Clutter lies under the objects and stays class 0: it is background that happens to look busy.
  for (const item of scene.clutter) {
    for (const p of clutterPixels(item, size)) {
      for (let ch = 0; ch < 3; ch++) img[p * 3 + ch] = item.rgb[ch] as number;
    }
  }

  // Drawing order = instance order, so later objects own the pixels they cover.
  for (const obj of scene.objects) {
    for (const p of objectPixels(obj, size)) {
      for (let ch = 0; ch < 3; ch++) img[p * 3 + ch] = obj.rgb[ch] as number;
      classMask[p] = obj.classId;
      instanceMask[p] = obj.instance;
    }
  }

  const rgb = new Uint8Array(n * 3);
  const std = scene.noise.std * 255;
  const rng = std > 0 ? new Rng(scene.noise.seed) : null;
  for (let i = 0; i < rgb.length; i++) {
    const v = (img[i] as number) + (rng ? rng.normal() * std : 0);
    rgb[i] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
  }
  return { size, rgb, classMask, instanceMask };
}
