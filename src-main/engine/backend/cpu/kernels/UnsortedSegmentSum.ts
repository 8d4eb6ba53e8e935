// UnsortedSegmentSum (the gradient of gather) for cpu in one pass over the rows. Stock tfjs-cpu loops over every
// segment (O(segments × rows), five kernels each), and the log-prob gather's gradient has batch·time·vocab
// segments: 2–3 s of a toy training step's 3.4 s. Same sums, in the same order, as the wasm kernel.
import type { KernelArgs } from '../../register-kernels';
import * as tf from '../../tf';

interface CpuBackendLike {
  data: { get(dataId: object): { values: tf.TypedArray } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: tf.TypedArray): tf.TensorInfo;
}

function unsortedSegmentSum({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const { numSegments } = attrs as unknown as tf.UnsortedSegmentSumAttrs;
  const cpu = backend as unknown as CpuBackendLike;
  const innerShape = x.shape.slice(segmentIds.shape.length);
  const inner = tf.util.sizeFromShape(innerShape);
  const values = cpu.data.get(x.dataId).values;
  const ids = cpu.data.get(segmentIds.dataId).values;
  const sums = x.dtype === 'int32' ? new Int32Array(numSegments * inner) : new Float32Array(numSegments * inner);
  for (let row = 0; row < ids.length; row++) {
    const segment = ids[row] as number;
    // Out-of-range ids are dropped, as tfjs-cpu and TensorFlow on GPU do.
    if (segment < 0 || segment >= numSegments) continue;
    for (let j = 0; j < inner; j++) sums[segment * inner + j] += values[row * inner + j] as number;
  }
  return cpu.makeTensorInfo([numSegments, ...innerShape], x.dtype, sums);
}

export const unsortedSegmentSumConfig: Omit<tf.KernelConfig, 'backendName'> = {
  kernelName: tf.UnsortedSegmentSum,
  kernelFunc: unsortedSegmentSum as tf.KernelFunc,
};
