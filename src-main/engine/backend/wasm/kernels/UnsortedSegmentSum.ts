// UnsortedSegmentSum for wasm, which lacks it: it is the gradient of gather, so without it no embedding trains.
// Sums in JS directly on the wasm heap: no copies, one pass over the input, O(x.size + output.size).
import * as tf from '../../tf';
import { heapView, input, wasmBackend } from '../heap';
import type { KernelArgs } from '../../register-kernels';

/**
 * output[s, ...] = Σ x[i, ...] over the rows i whose segment id is s; output shape [numSegments, ...x.shape
 * after the ids' rank]. Ids that are negative are dropped, as TensorFlow defines; ids ≥ numSegments are
 * dropped too, as tfjs-cpu and TensorFlow on GPU do (TensorFlow on CPU raises instead). Accumulates in the
 * input's dtype, like TensorFlow.
 */
function unsortedSegmentSum(args: KernelArgs): tf.TensorInfo {
  const backend = wasmBackend(args);
  const x = input(args, 'x');
  const segmentIds = input(args, 'segmentIds');
  const { numSegments } = args.attrs as unknown as tf.UnsortedSegmentSumAttrs;
  const innerShape = x.shape.slice(segmentIds.shape.length);
  const inner = tf.util.sizeFromShape(innerShape);
  const rows = tf.util.sizeFromShape(segmentIds.shape);

  const out = backend.makeOutput([numSegments, ...innerShape], x.dtype);
  const sums = heapView(backend, out);
  const values = heapView(backend, x);
  const ids = heapView(backend, segmentIds);
  sums.fill(0);
  for (let row = 0; row < rows; row++) {
    const segment = ids[row];
    if (segment < 0 || segment >= numSegments) continue;
    const from = row * inner;
    const to = segment * inner;
    for (let j = 0; j < inner; j++) sums[to + j] += values[from + j];
  }
  return out;
}

export const unsortedSegmentSumConfig: tf.KernelConfig = {
  kernelName: tf.UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum as tf.KernelFunc,
};
