// Registers our cpu kernels over tfjs-backend-cpu's, on import: a BatchMatMul that broadcasts batches correctly,
// so that cpu stays a trustworthy reference for the parity tests, and a linear-time UnsortedSegmentSum.
import '@tensorflow/tfjs-backend-cpu';
import { registerOverrides, stockKernel } from '../register-kernels';
import * as tf from '../tf';
import { batchMatMulOver } from './kernels/BatchMatMul';
import { unsortedSegmentSumConfig } from './kernels/UnsortedSegmentSum';

/** Idempotent; works before or after the cpu backend initialises. */
export function registerCpuKernels(): void {
  registerOverrides('cpu', [
    { name: tf.BatchMatMul, make: (current) => batchMatMulOver(stockKernel(current, tf.BatchMatMul, 'cpu')) },
    { name: tf.UnsortedSegmentSum, make: () => ({ ...unsortedSegmentSumConfig, backendName: 'cpu' }) },
  ]);
}

registerCpuKernels();
