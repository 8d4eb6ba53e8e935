// The strided copy every layout kernel is made of (transpose, slice, concat, pad, tile, reverse …), with its
// axes merged first, and split into several calls when more axes remain than the addon takes (kMaxRank).
import * as tf from '../../tf';
import type { NativeBackend } from '../backend';
import { collapseAxes, stridesOf } from './util';

/** src-main/native/src/common.h kMaxRank: the most axes one stridedCopy call takes. */
const MAX_RANK = 8;

export function elemBytes(dtype: tf.DataType): number {
  return dtype === 'bool' ? 1 : 4;
}

/**
 * out[outOffset + Σ c·outStrides] = x[inOffset + Σ c·inStrides] for every coordinate c of `shape` (in
 * elements). A negative stride walks an axis backwards (from an offset at its far end).
 */
export function copyStrided(
  backend: NativeBackend, x: tf.TensorInfo, out: tf.TensorInfo, shape: readonly number[],
  inStrides: readonly number[], inOffset: number, outStrides: readonly number[], outOffset: number,
): void {
  if (shape.includes(0)) return;
  const plan = collapseAxes(shape, [inStrides, outStrides]);
  copyPlan(backend, x, out, plan.shape, plan.strides[0], inOffset, plan.strides[1], outOffset);
}

function copyPlan(
  backend: NativeBackend, x: tf.TensorInfo, out: tf.TensorInfo, shape: number[],
  inStrides: number[], inOffset: number, outStrides: number[], outOffset: number,
): void {
  if (shape.length <= MAX_RANK) {
    backend.addon.stridedCopy(elemBytes(x.dtype), backend.handle(x), backend.handle(out), shape, inStrides, inOffset, outStrides, outOffset);
    return;
  }
  // One call per index of the outermost axis, each on the rest.
  for (let c = 0; c < shape[0]; c++) {
    copyPlan(backend, x, out, shape.slice(1), inStrides.slice(1), inOffset + c * inStrides[0], outStrides.slice(1), outOffset + c * outStrides[0]);
  }
}

/** x with its axes permuted (out axis d = x axis perm[d]); shares x's buffer when the order of data stays. */
export function transposeInfo(backend: NativeBackend, x: tf.TensorInfo, perm: readonly number[]): tf.TensorInfo {
  const shape = perm.map((p) => x.shape[p]);
  // Size-1 axes do not decide where data lies: if the others keep their order, this is a relabelling.
  const moved = perm.filter((p) => x.shape[p] !== 1);
  if (moved.every((p, i) => i === 0 || moved[i - 1] < p)) return backend.share(x, shape);
  const out = backend.makeOutput(shape, x.dtype);
  const xStrides = stridesOf(x.shape);
  copyStrided(backend, x, out, shape, perm.map((p) => xStrides[p]), 0, stridesOf(shape), 0);
  return out;
}
