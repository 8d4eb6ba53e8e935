// Exact pixel coverage of shapes and clutter. Scene sampling and rendering both call these, so the
// masks match the image pixel for pixel (no anti-aliasing: a pixel centre is inside or not).

import type { Shape } from './vocab';

// Hole of the ring, as a fraction of the outer radius; large enough to stay open at 7 px.
const RING_INNER = 0.55;

/**
 * Is the point (u, v) inside the shape? Coordinates are normalised to the object's box:
 * u, v in [-1, 1], v grows downwards. Proportions keep the six shapes' extents comparable.
 */
export function shapeCovers(shape: Shape, u: number, v: number): boolean {
  switch (shape) {
    case 'circle':
      return u * u + v * v <= 1;
    case 'square':
      return Math.abs(u) <= 0.82 && Math.abs(v) <= 0.82;
    case 'triangle': {
      // Apex up, flat base; half-width grows linearly from the apex.
      if (v > 0.8 || v < -1) return false;
      return Math.abs(u) <= ((v + 1) / 1.8) * 1.0;
    }
    case 'diamond':
      return Math.abs(u) + Math.abs(v) <= 1.05;
    case 'ring': {
      const r2 = u * u + v * v;
      return r2 <= 1 && r2 >= RING_INNER * RING_INNER;
    }
    case 'cross':
      return (Math.abs(u) <= 0.34 && Math.abs(v) <= 1) || (Math.abs(v) <= 0.34 && Math.abs(u) <= 1);
  }
}

export interface Footprint {
  cx: number;
  cy: number;
  size: number;
  shape: Shape;
}

/** Pixel indices (y * imageSize + x) whose centres lie inside the object. */
export function objectPixels(obj: Footprint, imageSize: number): number[] {
  const half = obj.size / 2;
  const out: number[] = [];
  const x0 = Math.max(0, Math.floor(obj.cx - half));
  const x1 = Math.min(imageSize - 1, Math.ceil(obj.cx + half));
  const y0 = Math.max(0, Math.floor(obj.cy - half));
  const y1 = Math.min(imageSize - 1, Math.ceil(obj.cy + half));
  for (let y = y0; y <= y1; y++) {
    const v = (y + 0.5 - obj.cy) / half;
    for (let x = x0; x <= x1; x++) {
      const u = (x + 0.5 - obj.cx) / half;
      if (shapeCovers(obj.shape, u, v)) out.push(y * imageSize + x);
    }
  }
  return out;
}

export interface ClutterFootprint {
  kind: 'dot' | 'line';
  /** dot: centre; line: start point. */
  x0: number;
  y0: number;
  /** line end point (equal to the start for a dot). */
  x1: number;
  y1: number;
  /** dot: radius; line: half thickness. */
  radius: number;
}

/** Pixel indices covered by a distractor: a disc, or a thin segment (capsule). */
export function clutterPixels(c: ClutterFootprint, imageSize: number): number[] {
  const out: number[] = [];
  const pad = Math.ceil(c.radius) + 1;
  const xa = Math.max(0, Math.floor(Math.min(c.x0, c.x1)) - pad);
  const xb = Math.min(imageSize - 1, Math.ceil(Math.max(c.x0, c.x1)) + pad);
  const ya = Math.max(0, Math.floor(Math.min(c.y0, c.y1)) - pad);
  const yb = Math.min(imageSize - 1, Math.ceil(Math.max(c.y0, c.y1)) + pad);
  const dx = c.x1 - c.x0;
  const dy = c.y1 - c.y0;
  const len2 = dx * dx + dy * dy;
  const r2 = c.radius * c.radius;
  for (let y = ya; y <= yb; y++) {
    for (let x = xa; x <= xb; x++) {
      const px = x + 0.5 - c.x0;
      const py = y + 0.5 - c.y0;
      const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, (px * dx + py * dy) / len2));
      const ex = px - t * dx;
      const ey = py - t * dy;
      if (ex * ex + ey * ey <= r2) out.push(y * imageSize + x);
    }
  }
  return out;
}

/** True when any pixel in `pixels` is within `gap` pixels (Chebyshev) of a set cell of `grid`. */
export function nearOccupied(pixels: readonly number[], grid: Uint8Array, imageSize: number, gap: number): boolean {
  for (const p of pixels) {
    const x = p % imageSize;
    const y = (p - x) / imageSize;
    for (let yy = Math.max(0, y - gap); yy <= Math.min(imageSize - 1, y + gap); yy++) {
      for (let xx = Math.max(0, x - gap); xx <= Math.min(imageSize - 1, x + gap); xx++) {
        if (grid[yy * imageSize + xx] !== 0) return true;
      }
    }
  }
  return false;
}
