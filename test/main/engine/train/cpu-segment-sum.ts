// Test-only: a linear-time UnsortedSegmentSum for the cpu backend. Stock tfjs-cpu loops over every segment
// (O(segments × rows), five kernels each), and the gradient of `tokenLogProbs`' gather has batch·time·vocab
// segments: 2–3 s of a toy step's 3.4 s. Same sums, same order as the wasm kernel. It belongs in
// src-main/engine/backend/cpu (see the report); until it is there, the training tests register it themselves.
import * as tf from '../../../../src-main/engine/backend/tf';
import '../../../../src-main/engine/backend/cpu/register_all';

interface CpuBackendLike {
  data: { get(dataId: object): { values: tf.TypedArray } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: tf.TypedArray): tf.TensorInfo;
}

function unsortedSegmentSum({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
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
    if (segment < 0 || segment >= numSegments) continue;
    for (let j = 0; j < inner; j++) sums[segment * inner + j] += values[row * inner + j] as number;
  }
  return cpu.makeTensorInfo([numSegments, ...innerShape], x.dtype, sums);
}

/** Replaces cpu's UnsortedSegmentSum, idempotently. */
export function useLinearCpuSegmentSum(): void {
  const current = tf.getKernel(tf.UnsortedSegmentSum, 'cpu') as (tf.KernelConfig & { linear?: true }) | undefined;
  if (current?.linear) return;
  if (current) tf.unregisterKernel(tf.UnsortedSegmentSum, 'cpu');
  tf.registerKernel({ kernelName: tf.UnsortedSegmentSum, backendName: 'cpu', kernelFunc: unsortedSegmentSum as tf.KernelFunc, linear: true } as tf.KernelConfig);
}
