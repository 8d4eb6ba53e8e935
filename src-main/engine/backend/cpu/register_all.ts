// Registers our cpu kernels over tfjs-backend-cpu's, on import: only a BatchMatMul that broadcasts batches
// correctly, so that cpu stays a trustworthy reference for the parity tests.
import '@tensorflow/tfjs-backend-cpu';
import { registerOverrides, stockKernel } from '../register-kernels';
import * as tf from '../tf';
import { batchMatMulOver } from './kernels/BatchMatMul';

/** Idempotent; works before or after the cpu backend initialises. */
export function registerCpuKernels(): void {
  registerOverrides('cpu', [
    { name: tf.BatchMatMul, make: (current) => batchMatMulOver(stockKernel(current, tf.BatchMatMul, 'cpu')) },
  ]);
}

registerCpuKernels();
