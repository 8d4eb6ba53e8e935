// The focus score of a gradient (or attention) map: the share of its mass that falls on the object the
// question is about, against the chance level of a map spread evenly (the object's area fraction).
import { meanStd, type MeanStd } from '../probes/stats';
import { patchOf } from '../probes/segmentation-metrics';

export interface FocusSample {
  /** Heat map [gridH, gridW], row-major; negative values count as 0. */
  map: ArrayLike<number>;
  gridH: number;
  gridW: number;
  /** Object mask at pixel resolution [height, width], non-zero = object. */
  mask: ArrayLike<number>;
  width: number;
  height: number;
}

export interface FocusScore {
  /** Mass inside the mask / total mass; null when the map has no positive mass. */
  score: number | null;
  /** The object's share of the image: the score of a uniform map. */
  maskFraction: number;
}

/**
 * Upsamples the map to the mask by nearest (each pixel takes its grid cell's value, so a cell's mass
 * is spread evenly over its pixels and a uniform map scores exactly the area fraction), clamps
 * negatives to 0, and returns the share of mass on mask pixels.
 */
export function focusScore(sample: FocusSample): FocusScore {
  const { map, gridH, gridW, mask, width, height } = sample;
  if (map.length !== gridH * gridW) throw new Error(`focus: the map has ${map.length} values, expected ${gridH}×${gridW}`);
  if (mask.length !== width * height) throw new Error(`focus: the mask has ${mask.length} values, expected ${width}×${height}`);
  let inside = 0;
  let total = 0;
  let area = 0;
  for (let y = 0; y < height; y++) {
    const row = patchOf(y, height, gridH) * gridW;
    for (let x = 0; x < width; x++) {
      const v = Math.max(0, map[row + patchOf(x, width, gridW)] as number);
      total += v;
      if ((mask[y * width + x] as number) !== 0) {
        inside += v;
        area++;
      }
    }
  }
  return { score: total > 0 ? inside / total : null, maskFraction: area / (width * height) };
}

export interface FocusSummary extends MeanStd {
  perSample: (number | null)[];
  /** Mean mask area fraction over the scored samples: what a map with no focus would score. */
  chance: number;
  /** Samples left out because their map had no positive mass. */
  skipped: number;
}

/** Mean ± std (sample std) of the focus score over samples, with the chance level beside it. */
export function focusSummary(samples: readonly FocusSample[]): FocusSummary {
  const scores = samples.map(focusScore);
  const scored = scores.filter((s): s is { score: number; maskFraction: number } => s.score !== null);
  return {
    ...meanStd(scored.map((s) => s.score)),
    perSample: scores.map((s) => s.score),
    chance: meanStd(scored.map((s) => s.maskFraction)).mean,
    skipped: scores.length - scored.length,
  };
}
