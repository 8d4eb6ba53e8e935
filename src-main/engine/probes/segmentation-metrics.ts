// The arithmetic of the segmentation probe: patch labels from a pixel mask, upsampling patch outputs
// back to pixels, and per-class recall / IoU from a confusion matrix. Pure functions, no tensors.
import { PivotError } from '../../../src-shared/errors';
import type { ClassMask } from './mask-png';

/** The patch row (or column) a pixel belongs to: pixel centres, so any mask size maps onto any grid. */
export function patchOf(pixel: number, pixels: number, patches: number): number {
  return Math.min(patches - 1, Math.floor(((pixel + 0.5) * patches) / pixels));
}

/**
 * Each patch's label: the most frequent class of its valid pixels (ties → the lower class id), −1
 * where every pixel is `ignoreIndex`. A class id ≥ `numClasses` (other than ignoreIndex) is an error.
 */
export function patchLabels(mask: ClassMask, grid: readonly [number, number], numClasses: number, ignoreIndex = 255): Int32Array {
  const [rows, cols] = grid;
  const counts = new Int32Array(rows * cols * numClasses);
  for (let y = 0; y < mask.height; y++) {
    const py = patchOf(y, mask.height, rows);
    for (let x = 0; x < mask.width; x++) {
      const c = mask.data[y * mask.width + x] as number;
      if (c === ignoreIndex) continue;
      if (c >= numClasses) throw new PivotError('INVALID_DATA', `mask has class id ${c}, but there are only ${numClasses} classes (0..${numClasses - 1}; ${ignoreIndex} = ignore)`);
      const patch = py * cols + patchOf(x, mask.width, cols);
      counts[patch * numClasses + c] = (counts[patch * numClasses + c] as number) + 1;
    }
  }
  const out = new Int32Array(rows * cols).fill(-1);
  for (let p = 0; p < rows * cols; p++) {
    let best = 0;
    for (let c = 1; c < numClasses; c++) if ((counts[p * numClasses + c] as number) > (counts[p * numClasses + best] as number)) best = c;
    if ((counts[p * numClasses + best] as number) > 0) out[p] = best;
  }
  return out;
}

/** Patch class ids → a pixel map, each pixel taking its patch's class (nearest). */
export function upsampleNearest(patchClasses: ArrayLike<number>, grid: readonly [number, number], width: number, height: number): Uint8Array {
  const [rows, cols] = grid;
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = patchOf(y, height, rows) * cols;
    for (let x = 0; x < width; x++) out[y * width + x] = patchClasses[row + patchOf(x, width, cols)] as number;
  }
  return out;
}

/**
 * Patch logits [rows·cols, classes] → per-pixel arg-max of the bilinearly interpolated logits
 * (half-pixel centres, edges clamped: PyTorch's `interpolate(..., align_corners=False)`).
 */
export function upsampleBilinearArgmax(logits: Float32Array, grid: readonly [number, number], classes: number, width: number, height: number): Uint8Array {
  const [rows, cols] = grid;
  const out = new Uint8Array(width * height);
  const source = (pixel: number, pixels: number, patches: number) => {
    const s = Math.min(patches - 1, Math.max(0, ((pixel + 0.5) * patches) / pixels - 0.5));
    const i0 = Math.floor(s);
    return { i0, i1: Math.min(patches - 1, i0 + 1), w: s - i0 };
  };
  for (let y = 0; y < height; y++) {
    const sy = source(y, height, rows);
    for (let x = 0; x < width; x++) {
      const sx = source(x, width, cols);
      const corners = [
        [sy.i0 * cols + sx.i0, (1 - sy.w) * (1 - sx.w)],
        [sy.i0 * cols + sx.i1, (1 - sy.w) * sx.w],
        [sy.i1 * cols + sx.i0, sy.w * (1 - sx.w)],
        [sy.i1 * cols + sx.i1, sy.w * sx.w],
      ] as const;
      let best = 0;
      let bestValue = -Infinity;
      for (let c = 0; c < classes; c++) {
        let v = 0;
        for (const [p, w] of corners) v += w * (logits[p * classes + c] as number);
        if (v > bestValue) {
          bestValue = v;
          best = c;
        }
      }
      out[y * width + x] = best;
    }
  }
  return out;
}

/**
 * Adds (truth, prediction) pairs to a [classes × classes] confusion matrix (row = truth). Entries
 * whose truth is negative or `ignoreIndex` are skipped.
 */
export function addConfusion(confusion: Float64Array, truth: ArrayLike<number>, prediction: ArrayLike<number>, classes: number, ignoreIndex = 255): void {
  if (truth.length !== prediction.length) throw new Error(`confusion: ${truth.length} labels but ${prediction.length} predictions`);
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i] as number;
    if (t < 0 || t === ignoreIndex) continue;
    const at = t * classes + (prediction[i] as number);
    confusion[at] = (confusion[at] as number) + 1;
  }
}

export interface ClassScores {
  /** Per class: TP / (TP + FN), null where the class never occurs in the truth. */
  recall: (number | null)[];
  /** Per class: TP / (TP + FP + FN), null where the class occurs in neither truth nor prediction. */
  iou: (number | null)[];
  /** Mean recall over the classes present in the truth (the paper's "macro recall"). */
  macroRecall: number;
  /** Mean IoU over classes with a non-empty union (as mmsegmentation's nan-mean). */
  mIoU: number;
  /** Share of counted entries predicted right. */
  accuracy: number;
  classesPresent: number;
}

export function scoresFromConfusion(confusion: Float64Array, classes: number): ClassScores {
  const recall: (number | null)[] = [];
  const iou: (number | null)[] = [];
  let total = 0;
  let right = 0;
  for (let c = 0; c < classes; c++) {
    let row = 0;
    let col = 0;
    for (let j = 0; j < classes; j++) {
      row += confusion[c * classes + j] as number;
      col += confusion[j * classes + c] as number;
    }
    const tp = confusion[c * classes + c] as number;
    total += row;
    right += tp;
    recall.push(row > 0 ? tp / row : null);
    const union = row + col - tp;
    iou.push(union > 0 ? tp / union : null);
  }
  const mean = (xs: (number | null)[]) => {
    const v = xs.filter((x): x is number => x !== null);
    return v.length ? v.reduce((a, b) => a + b, 0) / v.length : Number.NaN;
  };
  return {
    recall,
    iou,
    macroRecall: mean(recall),
    mIoU: mean(iou),
    accuracy: total > 0 ? right / total : Number.NaN,
    classesPresent: recall.filter((r) => r !== null).length,
  };
}
