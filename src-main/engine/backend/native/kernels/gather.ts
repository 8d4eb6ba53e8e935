// Index kernels: GatherV2 (the embedding lookup), UnsortedSegmentSum (its gradient: rows added into their
// segments) and OneHot. Indices are int32 on the device; other index dtypes are cast first.
import * as tf from '../../tf';
import type { KernelArgs } from '../../register-kernels';
import type { NativeBackend } from '../backend';
import { BINARY } from '../ops';
import { elemBytes } from './copy';
import { backendOf, broadcastPlan, type NativeKernel } from './util';

/** The addon's index kernels read int32: the indices as int32 (a new tensor unless they are). */
function int32Indices(backend: NativeBackend, indices: tf.TensorInfo): tf.TensorInfo {
  if (indices.dtype === 'int32') return indices;
  const out = backend.makeOutput(indices.shape, 'int32');
  backend.addon.cast(backend.dtypeCode(indices.dtype), backend.dtypeCode('int32'), backend.handle(indices), backend.handle(out), tf.util.sizeFromShape(indices.shape));
  return out;
}

/**
 * With batchDims > 0, x is [batch, outer, dim, slice] and each batch has its own indices [batch, n]: the same as
 * one gather from x flattened to [batch·outer·dim, slice] at (b·outer + o)·dim + indices[b, n], for every o.
 */
function batchedIndices(backend: NativeBackend, indices: tf.TensorInfo, batch: number, outer: number, dim: number): tf.TensorInfo {
  const n = tf.util.sizeFromShape(indices.shape) / batch;
  const bases = backend.makeOutput([batch, outer, 1], 'int32');
  backend.addon.range(backend.dtypeCode('int32'), backend.handle(bases), batch * outer, 0, dim);
  const out = backend.makeOutput([batch, outer, n], 'int32');
  const plan = broadcastPlan(out.shape, [bases.shape, [batch, 1, n]]);
  backend.addon.binary(BINARY.add, backend.dtypeCode('int32'), backend.handle(bases), backend.handle(indices), backend.handle(out), plan.shape, plan.strides[0], plan.strides[1]);
  backend.disposeIntermediateTensorInfo(bases);
  return out;
}

export const gatherKernels: NativeKernel[] = [
  {
    kernelName: tf.GatherV2,
    kernelFunc: (args: KernelArgs) => {
      const backend = backendOf(args);
      const { x, indices } = args.inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
      const { axis, batchDims = 0 } = args.attrs as unknown as tf.GatherV2Attrs;
      const at = tf.util.parseAxisParam(axis, x.shape)[0];
      const info = tf.backend_util.segment_util.collectGatherOpShapeInfo(x, indices, at, batchDims);
      const out = backend.makeOutput(info.outputShape, x.dtype);
      if (tf.util.sizeFromShape(info.outputShape) === 0) return out;
      const ids = int32Indices(backend, indices);
      const flat = info.batchSize > 1 ? batchedIndices(backend, ids, info.batchSize, info.outerSize, info.dimSize) : ids;
      try {
        // Index outside the axis: 0 (tfjs's cpu backend throws; reading the indices back to check would stall).
        const [outer, dim, n] = info.batchSize > 1
          ? [1, info.batchSize * info.outerSize * info.dimSize, tf.util.sizeFromShape(flat.shape)]
          : [info.outerSize, info.dimSize, tf.util.sizeFromShape(indices.shape)];
        backend.addon.gather(elemBytes(x.dtype), backend.handle(x), backend.handle(flat), backend.handle(out), outer, dim, info.sliceSize, n);
      } finally {
        if (flat !== ids) backend.disposeIntermediateTensorInfo(flat);
        if (ids !== indices) backend.disposeIntermediateTensorInfo(ids);
      }
      return out;
    },
  },
  {
    kernelName: tf.UnsortedSegmentSum,
    kernelFunc: (args: KernelArgs) => {
      const backend = backendOf(args);
      const { x, segmentIds } = args.inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
      const { numSegments } = args.attrs as unknown as tf.UnsortedSegmentSumAttrs;
      // segmentIds name the leading axes of x (all of them for rank-k ids): the rest is one row.
      const rowShape = x.shape.slice(segmentIds.shape.length);
      const out = backend.makeOutput([numSegments, ...rowShape], x.dtype);
      const inner = tf.util.sizeFromShape(rowShape);
      if (numSegments * inner === 0) return out;
      const ids = int32Indices(backend, segmentIds);
      try {
        backend.addon.segmentSum(backend.dtypeCode(x.dtype), backend.handle(x), backend.handle(ids), backend.handle(out), tf.util.sizeFromShape(segmentIds.shape), inner, numSegments);
      } finally {
        if (ids !== segmentIds) backend.disposeIntermediateTensorInfo(ids);
      }
      return out;
    },
  },
  {
    kernelName: tf.OneHot,
    kernelFunc: (args: KernelArgs) => {
      const backend = backendOf(args);
      const { indices } = args.inputs as { indices: tf.TensorInfo };
      const { depth, onValue, offValue, dtype } = args.attrs as unknown as tf.OneHotAttrs;
      const shape = [...indices.shape, depth];
      // The addon writes float32 or int32; a bool result is an int32 one cast.
      const direct = dtype === 'float32' ? 'float32' : 'int32';
      const out = backend.makeOutput(shape, direct);
      const n = tf.util.sizeFromShape(indices.shape);
      const ids = int32Indices(backend, indices);
      try {
        if (n * depth > 0) backend.addon.oneHot(backend.handle(ids), backend.dtypeCode(direct), backend.handle(out), n, depth, onValue, offValue);
      } finally {
        if (ids !== indices) backend.disposeIntermediateTensorInfo(ids);
      }
      if (direct === dtype) return out;
      const cast = backend.makeOutput(shape, dtype);
      backend.addon.cast(backend.dtypeCode(direct), backend.dtypeCode(dtype), backend.handle(out), backend.handle(cast), n * depth);
      backend.disposeIntermediateTensorInfo(out);
      return cast;
    },
  },
];
