// Kernels that move elements without arithmetic on them, each one or a few strided copies (copy.ts): transpose,
// slice, strided slice, concat/pack, split/unpack, pad, tile, reverse; expand-dims only relabels (no copy).
import * as tf from '../../tf';
import type { KernelArgs } from '../../register-kernels';
import type { NativeBackend } from '../backend';
import { copyStrided, transposeInfo } from './copy';
import { backendOf, stridesOf, type NativeKernel } from './util';

/** The [begin, begin + size) box of x along every axis, as a new tensor. */
function sliceInfo(backend: NativeBackend, x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  const xStrides = stridesOf(x.shape);
  const offset = begin.reduce((sum, b, d) => sum + b * xStrides[d], 0);
  copyStrided(backend, x, out, size, xStrides, offset, stridesOf(size), 0);
  return out;
}

/** Copies each input into `out` one after another along `axis` (concat; pack when `stacked`: inputs lack it). */
function joinInto(backend: NativeBackend, inputs: tf.TensorInfo[], out: tf.TensorInfo, axis: number, stacked: boolean): void {
  const outStrides = stridesOf(out.shape);
  let at = 0;
  for (const x of inputs) {
    const shape = stacked ? [...x.shape.slice(0, axis), 1, ...x.shape.slice(axis)] : x.shape;
    copyStrided(backend, x, out, shape, stridesOf(shape), 0, outStrides, at * outStrides[axis]);
    at += shape[axis];
  }
}

/** Pieces of x along `axis` of the given sizes (split; unpack when `squeeze`: the axis is dropped). */
function splitInfo(backend: NativeBackend, x: tf.TensorInfo, axis: number, sizes: number[], squeeze: boolean): tf.TensorInfo[] {
  const begin = x.shape.map(() => 0);
  return sizes.map((s) => {
    const size = x.shape.slice();
    size[axis] = s;
    const piece = sliceInfo(backend, x, begin, size);
    begin[axis] += s;
    if (!squeeze) return piece;
    const squeezed = backend.share(piece, size.filter((_, d) => d !== axis));
    backend.disposeIntermediateTensorInfo(piece);
    return squeezed;
  });
}

/** Where a strided slice with these normalised per-axis begin/end/strides lands: its size along each axis. */
function stridedSizes(begin: number[], end: number[], strides: number[]): number[] {
  return begin.map((b, d) => {
    const length = end[d] - b;
    return length === 0 || (length < 0) !== (strides[d] < 0) ? 0 : Math.ceil(length / strides[d]);
  });
}

export const layoutKernels: NativeKernel[] = [
  {
    kernelName: tf.Transpose,
    kernelFunc: (args: KernelArgs) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      const { perm } = args.attrs as unknown as tf.TransposeAttrs;
      return transposeInfo(backendOf(args), x, perm);
    },
  },
  {
    kernelName: tf.ExpandDims,
    kernelFunc: (args: KernelArgs) => {
      const { input } = args.inputs as { input: tf.TensorInfo };
      const { dim } = args.attrs as unknown as tf.ExpandDimsAttrs;
      const at = dim < 0 ? dim + input.shape.length + 1 : dim;
      if (at < 0 || at > input.shape.length) throw new Error(`ExpandDims: dim ${dim} outside [${-input.shape.length - 1}, ${input.shape.length}]`);
      return backendOf(args).share(input, [...input.shape.slice(0, at), 1, ...input.shape.slice(at)]);
    },
  },
  {
    kernelName: tf.Slice,
    kernelFunc: (args: KernelArgs) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      const attrs = args.attrs as unknown as tf.SliceAttrs;
      const [begin, size] = tf.slice_util.parseSliceParams(x, attrs.begin, attrs.size);
      tf.slice_util.assertParamsValid(x, begin, size);
      return sliceInfo(backendOf(args), x, begin, size);
    },
  },
  {
    kernelName: tf.StridedSlice,
    kernelFunc: (args: KernelArgs) => {
      const backend = backendOf(args);
      const { x } = args.inputs as { x: tf.TensorInfo };
      const a = args.attrs as unknown as tf.StridedSliceAttrs;
      const info = tf.slice_util.sliceInfo(x.shape, a.begin, a.end, a.strides, a.beginMask, a.endMask, a.ellipsisMask, a.newAxisMask, a.shrinkAxisMask);
      if (info.isIdentity) return backend.share(x, info.finalShape);
      // One coordinate per axis of x (shrunk axes have size 1, new axes are not there yet), then relabelled.
      const sizes = stridedSizes(info.begin, info.end, info.strides);
      const out = backend.makeOutput(info.finalShape, x.dtype);
      const xStrides = stridesOf(x.shape);
      const offset = info.begin.reduce((sum, b, d) => sum + b * xStrides[d], 0);
      copyStrided(backend, x, out, sizes, xStrides.map((s, d) => s * info.strides[d]), offset, stridesOf(sizes), 0);
      return out;
    },
  },
  {
    kernelName: tf.Concat,
    kernelFunc: (args: KernelArgs) => {
      const backend = backendOf(args);
      const inputs = args.inputs as unknown as tf.TensorInfo[];
      const { axis } = args.attrs as unknown as tf.ConcatAttrs;
      const at = tf.util.parseAxisParam(axis, inputs[0].shape)[0];
      tf.backend_util.assertParamsConsistent(inputs.map((t) => t.shape), at);
      const outShape = tf.backend_util.computeOutShape(inputs.map((t) => t.shape), at);
      const filled = inputs.filter((t) => tf.util.sizeFromShape(t.shape) > 0);
      if (filled.length === 1) return backend.share(filled[0], outShape);
      const out = backend.makeOutput(outShape, inputs[0].dtype);
      joinInto(backend, filled, out, at, false);
      return out;
    },
  },
  {
    kernelName: tf.Pack,
    kernelFunc: (args: KernelArgs) => {
      const backend = backendOf(args);
      const inputs = args.inputs as unknown as tf.TensorInfo[];
      const { axis } = args.attrs as unknown as tf.PackAttrs;
      const shape = inputs[0].shape;
      const at = axis < 0 ? axis + shape.length + 1 : axis;
      const outShape = [...shape.slice(0, at), inputs.length, ...shape.slice(at)];
      if (inputs.length === 1) return backend.share(inputs[0], outShape);
      const out = backend.makeOutput(outShape, inputs[0].dtype);
      joinInto(backend, inputs, out, at, true);
      return out;
    },
  },
  {
    kernelName: tf.SplitV,
    kernelFunc: (args: KernelArgs) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      const { numOrSizeSplits, axis } = args.attrs as unknown as tf.SplitVAttrs;
      const at = tf.util.parseAxisParam(axis, x.shape)[0];
      const sizes = tf.backend_util.prepareSplitSize(x, numOrSizeSplits, at);
      return splitInfo(backendOf(args), x, at, sizes, false);
    },
  },
  {
    kernelName: tf.Unpack,
    kernelFunc: (args: KernelArgs) => {
      const { value } = args.inputs as { value: tf.TensorInfo };
      const { axis } = args.attrs as unknown as tf.UnpackAttrs;
      const at = axis < 0 ? axis + value.shape.length : axis;
      return splitInfo(backendOf(args), value, at, new Array<number>(value.shape[at]).fill(1), true);
    },
  },
  {
    kernelName: tf.PadV2,
    kernelFunc: (args: KernelArgs) => {
      const backend = backendOf(args);
      const { x } = args.inputs as { x: tf.TensorInfo };
      const { paddings, constantValue } = args.attrs as unknown as tf.PadV2Attrs;
      const outShape = x.shape.map((d, i) => paddings[i][0] + d + paddings[i][1]);
      const out = backend.makeOutput(outShape, x.dtype);
      const size = tf.util.sizeFromShape(outShape);
      if (size === 0) return out;
      backend.addon.fill(backend.dtypeCode(x.dtype), backend.handle(out), size, constantValue);
      const outStrides = stridesOf(outShape);
      const offset = paddings.reduce((sum, [before], d) => sum + before * outStrides[d], 0);
      copyStrided(backend, x, out, x.shape, stridesOf(x.shape), 0, outStrides, offset);
      return out;
    },
  },
  {
    kernelName: tf.Tile,
    kernelFunc: (args: KernelArgs) => {
      const backend = backendOf(args);
      const { x } = args.inputs as { x: tf.TensorInfo };
      const { reps } = args.attrs as unknown as tf.TileAttrs;
      const outShape = x.shape.map((d, i) => d * reps[i]);
      const out = backend.makeOutput(outShape, x.dtype);
      // The output read as [reps0, d0, reps1, d1, …]: every repetition reads x again (stride 0).
      const xStrides = stridesOf(x.shape);
      const outStrides = stridesOf(outShape);
      const shape = x.shape.flatMap((d, i) => [reps[i], d]);
      const inStrides = xStrides.flatMap((s) => [0, s]);
      const toStrides = outStrides.flatMap((s, i) => [s * x.shape[i], s]);
      copyStrided(backend, x, out, shape, inStrides, 0, toStrides, 0);
      return out;
    },
  },
  {
    kernelName: tf.Reverse,
    kernelFunc: (args: KernelArgs) => {
      const backend = backendOf(args);
      const { x } = args.inputs as { x: tf.TensorInfo };
      const { dims } = args.attrs as unknown as tf.ReverseAttrs;
      const axes = new Set(tf.util.parseAxisParam(dims, x.shape));
      const out = backend.makeOutput(x.shape, x.dtype);
      const xStrides = stridesOf(x.shape);
      // A reversed axis starts at its last element and steps back.
      const inStrides = xStrides.map((s, d) => (axes.has(d) ? -s : s));
      const offset = x.shape.reduce((sum, n, d) => sum + (axes.has(d) && n > 0 ? (n - 1) * xStrides[d] : 0), 0);
      copyStrided(backend, x, out, x.shape, inStrides, offset, stridesOf(x.shape), 0);
      return out;
    },
  },
];
