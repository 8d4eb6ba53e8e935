// The maths of the Compare viewers' synced zoom/pan. One view is shared by every panel, so it lives in image
// fractions (0..1 across the picture), not pixels: panels of any size show the same region. The view is the zoom
// factor and the image point at the frame's centre; clamping keeps the image covering the whole frame.

export interface ZoomView {
  /** Magnification, 1 (whole image) to MAX_ZOOM. */
  zoom: number;
  /** The image point (fractions of its width / height) shown at the frame's centre. */
  cx: number;
  cy: number;
}

export const MAX_ZOOM = 16;
export const WHOLE_IMAGE: ZoomView = Object.freeze({ zoom: 1, cx: 0.5, cy: 0.5 });

/** Zoom into [1, MAX_ZOOM]; the centre moved so the visible 1/zoom window stays inside the image. */
export function clampView(view: ZoomView): ZoomView {
  const zoom = Math.min(MAX_ZOOM, Math.max(1, Number.isFinite(view.zoom) ? view.zoom : 1));
  const half = 0.5 / zoom;
  const centre = (c: number) => Math.min(1 - half, Math.max(half, Number.isFinite(c) ? c : 0.5));
  return { zoom, cx: centre(view.cx), cy: centre(view.cy) };
}

/**
 * The view zoomed by `factor` about a point of the frame (u, v: fractions of the frame's width / height, the cursor):
 * the image point under the cursor stays under it, unless clamping has to move it to keep the image in the frame.
 */
export function zoomAbout(view: ZoomView, factor: number, u: number, v: number): ZoomView {
  const zoom = Math.min(MAX_ZOOM, Math.max(1, view.zoom * factor));
  // Image point under the cursor: centre + offset of the cursor from the frame's centre, in image fractions.
  const px = view.cx + (u - 0.5) / view.zoom;
  const py = view.cy + (v - 0.5) / view.zoom;
  return clampView({ zoom, cx: px - (u - 0.5) / zoom, cy: py - (v - 0.5) / zoom });
}

/** The view after dragging by (du, dv) fractions of the frame: the image follows the pointer. */
export function panBy(view: ZoomView, du: number, dv: number): ZoomView {
  return clampView({ zoom: view.zoom, cx: view.cx - du / view.zoom, cy: view.cy - dv / view.zoom });
}

/** A wheel step as a zoom factor: scrolling up (deltaY < 0) zooms in; 310 px of wheel doubles (100 px ≈ ×1.25). */
export function wheelFactor(deltaY: number): number {
  return 2 ** (-deltaY / 310);
}

/**
 * The CSS transform of a panel's content (transform-origin 0 0) showing the view: scale by zoom, then shift so the
 * view's centre lands on the frame's centre. Translate percentages are of the content's own (unscaled) size.
 */
export function viewTransform(view: ZoomView): string {
  const shift = (c: number) => round((0.5 - c * view.zoom) * 100);
  return `translate(${shift(view.cx)}%, ${shift(view.cy)}%) scale(${round(view.zoom)})`;
}

function round(x: number): number {
  // Four decimals: stable strings for tests and styles, far below a pixel.
  return Math.round(x * 1e4) / 1e4 + 0;
}
