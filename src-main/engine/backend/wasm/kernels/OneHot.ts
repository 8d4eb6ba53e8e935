// OneHot for wasm: the stock kernel writes integer bit patterns into float32 outputs (1 becomes 1.4e-45, so
// losses built on a float one-hot are silently 0). Written in JS on the wasm heap, for every dtype.
import * as tf from '../../tf';
import { heapView, input, wasmBackend } from '../heap';
import type { KernelArgs } from '../../register-kernels';

/**
 * output[..., k] = onValue where k = indices[...], offValue elsewhere; an index outside [0, depth) gives a row of
 * offValue, as in TensorFlow.
 */
function oneHot(args: KernelArgs): tf.TensorInfo {
  const backend = wasmBackend(args);
  const indices = input(args, 'indices');
  const { depth, onValue, offValue, dtype } = args.attrs as unknown as tf.OneHotAttrs;

  const out = backend.makeOutput([...indices.shape, depth], dtype);
  const values = heapView(backend, out);
  const ids = heapView(backend, indices);
  values.fill(offValue);
  for (let i = 0; i < ids.length; i++) {
    const k = ids[i];
    if (k >= 0 && k < depth) values[i * depth + k] = onValue;
  }
  return out;
}

export const oneHotConfig: tf.KernelConfig = {
  kernelName: tf.OneHot,
  backendName: 'wasm',
  kernelFunc: oneHot as tf.KernelFunc,
};
