// A dataset's statistics, as the Datasets dialog shows them: its status mix, the length bias of its answers
// (chosen minus rejected length, in characters) as a histogram, and its blind-review agreement.
import type { ReviewAgreement, StatusCounts } from './pairs';

/** Pairs whose length difference lies in `from`..`to` (inclusive, characters). */
export interface LengthBiasBin {
  from: number;
  to: number;
  count: number;
}

export interface DatasetStats {
  dataset: string;
  counts: StatusCounts;
  lengthBias: {
    bins: LengthBiasBin[];
    /** Pairs whose chosen answer is longer, shorter, or as long as the rejected one. */
    chosenLonger: number;
    chosenShorter: number;
    sameLength: number;
  };
  reviews: ReviewAgreement;
}

/** About this many bins over the range of differences (fewer when the range is narrow). */
const BINS = 20;

/**
 * Bins integer differences into equal-width integer ranges, one range starting at 0 so that "no bias" is its own
 * edge; empty bins inside the range are kept (a histogram with gaps reads wrong).
 */
export function lengthBiasBins(diffs: readonly number[]): LengthBiasBin[] {
  if (diffs.length === 0) return [];
  let min = Infinity;
  let max = -Infinity;
  for (const d of diffs) {
    if (d < min) min = d;
    if (d > max) max = d;
  }
  const width = Math.max(1, Math.ceil((max - min + 1) / BINS));
  const first = Math.floor(min / width);
  const counts = new Array<number>(Math.floor(max / width) - first + 1).fill(0);
  for (const d of diffs) counts[Math.floor(d / width) - first]! += 1;
  return counts.map((count, i) => ({ from: (first + i) * width, to: (first + i) * width + width - 1, count }));
}
