// Registers our wasm kernels over tfjs-backend-wasm's, on import as tfjs's own register-all files do: the one
// it lacks (UnsortedSegmentSum), the one it gets wrong (OneHot), and a BatchMatMul that stays on XNNPACK.
import '@tensorflow/tfjs-backend-wasm';
import { registerOverrides, stockKernel } from '../register-kernels';
import * as tf from '../tf';
import { batchMatMulOver } from './kernels/BatchMatMul';
import { oneHotConfig } from './kernels/OneHot';
import { unsortedSegmentSumConfig } from './kernels/UnsortedSegmentSum';

/** Idempotent; works before or after the wasm backend initialises. */
export function registerWasmKernels(): void {
  registerOverrides('wasm', [
    { name: tf.UnsortedSegmentSum, make: () => unsortedSegmentSumConfig },
    { name: tf.OneHot, make: () => oneHotConfig },
    { name: tf.BatchMatMul, make: (current) => batchMatMulOver(stockKernel(current, tf.BatchMatMul, 'wasm')) },
  ]);
}

registerWasmKernels();
