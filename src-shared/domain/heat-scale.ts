// The fixed colour scale of every Grad-CAM heat map: the engine colours the PNGs with it and the window draws the
// colour bar beside them from the same stops, so the bar always matches the maps.

/** viridis at 16 evenly spaced stops (R's viridis(16)); colours between stops are interpolated linearly. */
export const HEAT_STOPS: readonly (readonly [number, number, number])[] = [
  [68, 1, 84], [72, 26, 108], [71, 47, 125], [65, 68, 135], [57, 86, 140], [49, 104, 142], [42, 120, 142], [35, 136, 142],
  [31, 152, 139], [34, 168, 132], [53, 183, 121], [84, 197, 104], [122, 209, 81], [165, 219, 54], [210, 226, 27], [253, 231, 37],
];

/** The colour of v ∈ [0, 1] (clamped) on the fixed scale. */
export function heatColour(v: number): [number, number, number] {
  const t = Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)) * (HEAT_STOPS.length - 1);
  const i = Math.min(HEAT_STOPS.length - 2, Math.floor(t));
  const f = t - i;
  const a = HEAT_STOPS[i] as readonly [number, number, number];
  const b = HEAT_STOPS[i + 1] as readonly [number, number, number];
  return [0, 1, 2].map((c) => Math.round((a[c] as number) + f * ((b[c] as number) - (a[c] as number)))) as [number, number, number];
}

/** A CSS linear-gradient through the stops, from low to high along `direction` (a CSS direction such as "to top"). */
export function heatGradientCss(direction = 'to right'): string {
  const stops = HEAT_STOPS.map((rgb, i) => `rgb(${rgb.join(',')}) ${((i / (HEAT_STOPS.length - 1)) * 100).toFixed(1)}%`);
  return `linear-gradient(${direction}, ${stops.join(', ')})`;
}
