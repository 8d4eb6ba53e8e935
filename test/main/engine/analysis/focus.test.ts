// Focus score: all mass inside the mask → 1, a uniform map → the mask's area fraction, negatives
// ignored, and the summary over samples.
import { describe, expect, it } from 'vitest';
import { focusScore, focusSummary } from '../../../../src-main/engine/analysis/focus';

/** A 16×16 mask whose object is the rectangle [x0, x1) × [y0, y1). */
function rectMask(x0: number, y0: number, x1: number, y1: number, size = 16): Uint8Array {
  const m = new Uint8Array(size * size);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) m[y * size + x] = 1;
  return m;
}

describe('focus score', () => {
  it('is 1 when the whole map lies inside the mask', () => {
    // 4×4 grid on 16 px: cell (1, 2) covers x 8..11, y 4..7, inside the object 6..14 × 2..10.
    const map = new Float32Array(16);
    map[1 * 4 + 2] = 5;
    map[0] = -3; // negative mass is clamped, not subtracted
    expect(focusScore({ map, gridH: 4, gridW: 4, mask: rectMask(6, 2, 14, 10), width: 16, height: 16 })).toEqual({ score: 1, maskFraction: 64 / 256 });
  });

  it('equals the mask area fraction for a uniform map, whatever the grid', () => {
    const mask = rectMask(3, 5, 10, 12);
    const r = focusScore({ map: new Float32Array(9).fill(0.7), gridH: 3, gridW: 3, mask, width: 16, height: 16 });
    expect(r.score).toBeCloseTo(49 / 256, 12);
    expect(r.maskFraction).toBe(49 / 256);
  });

  it('summarises over samples with mean, std and chance, skipping empty maps', () => {
    const mask = rectMask(0, 0, 8, 16); // left half
    const left = Float32Array.from([1, 0, 1, 0]); // 2×2 grid, left column
    const uniform = new Float32Array(4).fill(1);
    const s = focusSummary([
      { map: left, gridH: 2, gridW: 2, mask, width: 16, height: 16 },
      { map: uniform, gridH: 2, gridW: 2, mask, width: 16, height: 16 },
      { map: new Float32Array(4), gridH: 2, gridW: 2, mask, width: 16, height: 16 },
    ]);
    expect(s.perSample).toEqual([1, 0.5, null]);
    expect(s.mean).toBe(0.75);
    expect(s.std).toBeCloseTo(Math.SQRT1_2 * 0.5, 12);
    expect(s.chance).toBe(0.5);
    expect(s.skipped).toBe(1);
  });
});
