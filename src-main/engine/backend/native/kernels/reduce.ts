// Reductions (sum, mean, max, min, prod, all, any, argMax, argMin), softmax over the last axis, and AddN.
// The addon reduces the middle axis of x viewed as [outer, r, inner]; reduced axes that are not adjacent are
// moved to the end first by a transpose, as tfjs's own backends do.
import * as tf from '../../tf';
import type { KernelArgs } from '../../register-kernels';
import type { NativeBackend } from '../backend';
import { BINARY, REDUCE } from '../ops';
import { transposeInfo } from './copy';
import { backendOf, type NativeKernel } from './util';

/** x in `dtype` (a new tensor), or x itself when it already is. */
function castTo(backend: NativeBackend, x: tf.TensorInfo, dtype: tf.DataType): tf.TensorInfo {
  if (x.dtype === dtype) return x;
  const out = backend.makeOutput(x.shape, dtype);
  backend.addon.cast(backend.dtypeCode(x.dtype), backend.dtypeCode(dtype), backend.handle(x), backend.handle(out), tf.util.sizeFromShape(x.shape));
  return out;
}

/** x as [outer, r, inner] with `axes` (sorted) as r: x itself when they are adjacent, else a transpose. */
function reductionView(backend: NativeBackend, x: tf.TensorInfo, axes: number[]): { view: tf.TensorInfo; outer: number; r: number; inner: number } {
  const shape = x.shape;
  // Size-1 axes lie nowhere in memory: only the others decide whether the reduced axes are adjacent.
  const big = shape.map((_, d) => d).filter((d) => shape[d] !== 1);
  const reduced = big.filter((d) => axes.includes(d));
  const product = (ds: number[]) => ds.reduce((p, d) => p * shape[d], 1);
  const r = product(reduced);
  const first = big.indexOf(reduced[0]);
  if (reduced.length === 0 || reduced.every((d, i) => big[first + i] === d)) {
    const before = reduced.length === 0 ? big : big.slice(0, first);
    const after = reduced.length === 0 ? [] : big.slice(first + reduced.length);
    return { view: x, outer: product(before), r, inner: product(after) };
  }
  const kept = big.filter((d) => !axes.includes(d));
  return { view: transposeInfo(backend, x, [...kept, ...reduced]), outer: product(kept), r, inner: 1 };
}

type ReduceName = keyof typeof REDUCE;

/**
 * A reduction kernel. `inDtype` is the dtype the addon reduces in (the input is cast to it), `outDtype` the
 * result's: both as tfjs's cpu backend makes them.
 */
function reduceKernel(kernelName: string, op: ReduceName, axisAttr: string, dtypes: (x: tf.DataType) => { inDtype: tf.DataType; outDtype: tf.DataType }): NativeKernel {
  return {
    kernelName,
    kernelFunc: (args: KernelArgs) => {
      const backend = backendOf(args);
      const { x } = args.inputs as { x: tf.TensorInfo };
      const attrs = args.attrs as Record<string, unknown>;
      const axes = tf.util.parseAxisParam(attrs[axisAttr] as number | number[], x.shape);
      // argMax/argMin take one axis; the rest keep the reduced axes as 1 when asked.
      const single = op === 'argMax' || op === 'argMin';
      const reducedAxes = single ? axes.slice(0, 1) : [...new Set(axes)].sort((a, b) => a - b);
      const [outShape] = tf.backend_util.computeOutAndReduceShapes(x.shape, reducedAxes);
      const finalShape = attrs.keepDims ? tf.backend_util.expandShapeToKeepDim(outShape, reducedAxes) : outShape;
      const { inDtype, outDtype } = dtypes(x.dtype);
      const out = backend.makeOutput(finalShape, outDtype);
      if (tf.util.sizeFromShape(outShape) === 0) return out;
      const input = castTo(backend, x, inDtype);
      const { view, outer, r, inner } = reductionView(backend, input, reducedAxes);
      try {
        // An empty arg-reduction has no first element to name; tfjs answers 0.
        if (single && r === 0) backend.addon.fill(backend.dtypeCode(outDtype), backend.handle(out), outer * inner, 0);
        else backend.addon.reduce(REDUCE[op], backend.dtypeCode(inDtype), backend.handle(view), backend.handle(out), outer, r, inner);
      } finally {
        if (view !== input) backend.disposeIntermediateTensorInfo(view);
        if (input !== x) backend.disposeIntermediateTensorInfo(input);
      }
      return out;
    },
  };
}

/** Sum and prod count bools as int32; other dtypes stay. */
const counting = (x: tf.DataType) => {
  const dtype = tf.upcastType(x, 'int32');
  return { inDtype: dtype, outDtype: dtype };
};
const same = (x: tf.DataType) => ({ inDtype: x, outDtype: x });
const toIndex = (x: tf.DataType): { inDtype: tf.DataType; outDtype: tf.DataType } => ({ inDtype: x === 'float32' ? x : 'int32', outDtype: 'int32' });

export const reduceKernels: NativeKernel[] = [
  reduceKernel(tf.Sum, 'sum', 'axis', counting),
  reduceKernel(tf.Prod, 'prod', 'axis', counting),
  reduceKernel(tf.Mean, 'mean', 'axis', () => ({ inDtype: 'float32', outDtype: 'float32' })),
  reduceKernel(tf.Max, 'max', 'reductionIndices', same),
  reduceKernel(tf.Min, 'min', 'axis', same),
  reduceKernel(tf.All, 'all', 'axis', same),
  reduceKernel(tf.Any, 'any', 'axis', same),
  reduceKernel(tf.ArgMax, 'argMax', 'axis', toIndex),
  reduceKernel(tf.ArgMin, 'argMin', 'axis', toIndex),
  {
    kernelName: tf.Softmax,
    kernelFunc: (args: KernelArgs) => {
      const backend = backendOf(args);
      const { logits } = args.inputs as { logits: tf.TensorInfo };
      const { dim } = args.attrs as unknown as tf.SoftmaxAttrs;
      const rank = logits.shape.length;
      if (dim !== -1 && dim !== rank - 1) throw new Error(`Softmax on ${backend.backendName}: over the last axis only, got dim ${dim} of rank ${rank}`);
      if (logits.dtype !== 'float32') throw new Error(`Softmax on ${backend.backendName}: float32 only, got ${logits.dtype}`);
      const out = backend.makeOutput(logits.shape, 'float32');
      const size = tf.util.sizeFromShape(logits.shape);
      if (size === 0) return out;
      const cols = logits.shape[rank - 1];
      backend.addon.softmax(backend.handle(logits), backend.handle(out), size / cols, cols);
      return out;
    },
  },
  {
    // A running sum: the addon's elementwise add may write over one of its operands.
    kernelName: tf.AddN,
    kernelFunc: (args: KernelArgs) => {
      const backend = backendOf(args);
      const inputs = args.inputs as unknown as tf.TensorInfo[];
      if (inputs.length === 1) return backend.share(inputs[0], inputs[0].shape);
      const [first, ...rest] = inputs;
      const out = backend.makeOutput(first.shape, first.dtype);
      const n = tf.util.sizeFromShape(first.shape);
      if (n === 0) return out;
      const code = backend.dtypeCode(first.dtype);
      let sum = first;
      for (const t of rest) {
        tf.util.assertShapesMatch(first.shape, t.shape, 'AddN: ');
        backend.addon.binary(BINARY.add, code, backend.handle(sum), backend.handle(t), backend.handle(out), [n], [1], [1]);
        sum = out;
      }
      return out;
    },
  },
];
