// The Compare viewers' shared zoom/pan view: zoom about the cursor keeps the image point under it, panning follows
// the pointer, clamping keeps the image covering the frame, and the CSS transform that draws a view.
import { describe, expect, it } from 'vitest';
import { clampView, MAX_ZOOM, panBy, viewTransform, WHOLE_IMAGE, wheelFactor, zoomAbout } from '../../src-renderer/src/lib/zoom-view';

describe('zoom view', () => {
  it('clamps the zoom to [1, MAX_ZOOM] and the centre so the visible window stays inside the image', () => {
    expect(clampView({ zoom: 0.5, cx: 0, cy: 2 })).toEqual({ zoom: 1, cx: 0.5, cy: 0.5 });
    expect(clampView({ zoom: 4, cx: 0, cy: 1 })).toEqual({ zoom: 4, cx: 0.125, cy: 0.875 });
    expect(clampView({ zoom: 100, cx: 0.5, cy: 0.5 })).toEqual({ zoom: MAX_ZOOM, cx: 0.5, cy: 0.5 });
    expect(clampView({ zoom: Number.NaN, cx: Number.NaN, cy: 0.5 })).toEqual(WHOLE_IMAGE);
  });

  it('zooms about the cursor: the image point under it stays under it', () => {
    expect(zoomAbout(WHOLE_IMAGE, 2, 0.5, 0.5)).toEqual({ zoom: 2, cx: 0.5, cy: 0.5 });
    // Cursor at (0.75, 0.25) of the frame = image point (0.75, 0.25); after ×2 the centre is 0.25 / 2 away from it.
    const v = zoomAbout(WHOLE_IMAGE, 2, 0.75, 0.25);
    expect(v).toEqual({ zoom: 2, cx: 0.625, cy: 0.375 });
    expect(v.cx + (0.75 - 0.5) / v.zoom).toBe(0.75);
    expect(zoomAbout(WHOLE_IMAGE, 2, 0, 0)).toEqual({ zoom: 2, cx: 0.25, cy: 0.25 });
    // Again ×2 about the same corner: image point (0, 0) stays at the frame's corner.
    expect(zoomAbout({ zoom: 2, cx: 0.25, cy: 0.25 }, 2, 0, 0)).toEqual({ zoom: 4, cx: 0.125, cy: 0.125 });
  });

  it('zooming out re-centres where the window would leave the image, and stops at the whole image', () => {
    expect(zoomAbout({ zoom: 4, cx: 0.125, cy: 0.875 }, 0.5, 0.5, 0.5)).toEqual({ zoom: 2, cx: 0.25, cy: 0.75 });
    expect(zoomAbout({ zoom: 2, cx: 0.25, cy: 0.75 }, 0.1, 0.9, 0.1)).toEqual(WHOLE_IMAGE);
    expect(zoomAbout({ zoom: 12, cx: 0.5, cy: 0.5 }, 2, 0.5, 0.5).zoom).toBe(MAX_ZOOM);
  });

  it('pans with the pointer, in frame fractions divided by the zoom, never past the image edge', () => {
    expect(panBy({ zoom: 2, cx: 0.5, cy: 0.5 }, 0.125, -0.25)).toEqual({ zoom: 2, cx: 0.4375, cy: 0.625 });
    expect(panBy({ zoom: 2, cx: 0.5, cy: 0.5 }, 1, 0)).toEqual({ zoom: 2, cx: 0.25, cy: 0.5 });
    expect(panBy(WHOLE_IMAGE, 0.3, 0.3)).toEqual(WHOLE_IMAGE);
  });

  it('turns wheel steps into zoom factors: 310 px up doubles, down halves', () => {
    expect(wheelFactor(-310)).toBe(2);
    expect(wheelFactor(310)).toBe(0.5);
    expect(wheelFactor(0)).toBe(1);
    expect(wheelFactor(-100)).toBeCloseTo(1.25057, 5);
  });

  it('draws a view as translate + scale with the view centre at the frame centre', () => {
    expect(viewTransform(WHOLE_IMAGE)).toBe('translate(0%, 0%) scale(1)');
    // Centre 0.625 at ×2 lands at −75% + 0.625·2·100% = 50% of the frame.
    expect(viewTransform({ zoom: 2, cx: 0.625, cy: 0.375 })).toBe('translate(-75%, -25%) scale(2)');
    expect(viewTransform({ zoom: 16, cx: 0.96875, cy: 0.03125 })).toBe('translate(-1500%, 0%) scale(16)');
  });
});
