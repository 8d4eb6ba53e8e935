// Whether the engine's ops take a fused kernel: only where the active backend registers it (native, cuda); on
// wasm and cpu the composed tfjs ops run instead.
import * as tf from '../../tf';

/** True when the active backend has a kernel registered under `kernelName`. */
export function backendHasKernel(kernelName: string): boolean {
  return tf.getKernel(kernelName, tf.getBackend()) !== undefined;
}
