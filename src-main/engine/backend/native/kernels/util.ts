// What every native kernel needs on the TypeScript side: the backend from the kernel's arguments, row-major
// strides, and broadcasting worked out into per-operand strides with adjacent axes merged (so the addon's
// general index loop runs over as few axes as possible, and equal shapes take its flat path).
import * as tf from '../../tf';
import type { KernelArgs } from '../../register-kernels';
import type { NativeBackend } from '../backend';

/** A kernel as the native backends register it (for both `native` and `cuda`). */
export type NativeKernel = Omit<tf.KernelConfig, 'backendName'>;

export function backendOf(args: KernelArgs): NativeBackend {
  return args.backend as unknown as NativeBackend;
}

/** Row-major strides of `shape`, in elements. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = step;
    step *= shape[d];
  }
  return strides;
}

/** Strides of `inShape` read as `outShape` (right-aligned, as numpy broadcasts): 0 along broadcast axes. */
export function broadcastStrides(outShape: readonly number[], inShape: readonly number[]): number[] {
  const own = stridesOf(inShape);
  const offset = outShape.length - inShape.length;
  return outShape.map((_, d) => {
    const k = d - offset;
    return k < 0 || inShape[k] === 1 ? 0 : own[k];
  });
}

/**
 * Drops size-1 axes and merges axis d into d-1 wherever every operand steps through them as one axis.
 * Returns at least one axis (a scalar becomes [1]).
 */
export function collapseAxes(shape: readonly number[], strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((s, k) => outStrides[k][last] === s[d] * shape[d])) {
      outShape[last] *= shape[d];
      strides.forEach((s, k) => (outStrides[k][last] = s[d]));
      continue;
    }
    outShape.push(shape[d]);
    strides.forEach((s, k) => outStrides[k].push(s[d]));
  }
  if (outShape.length === 0) return { shape: [1], strides: strides.map(() => [0]) };
  return { shape: outShape, strides: outStrides };
}

/** The broadcast of `inputs` to `outShape`, collapsed, as the addon's (shape, strides…) arguments. */
export function broadcastPlan(outShape: readonly number[], inputs: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  return collapseAxes(outShape, inputs.map((s) => broadcastStrides(outShape, s)));
}
