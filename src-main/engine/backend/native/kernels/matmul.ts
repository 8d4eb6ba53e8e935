// BatchMatMul through the device's BLAS (OpenBLAS on the CPU, cuBLAS on the GPU) as one strided-batched call:
// an operand whose batch is 1 is reused for every item (stride 0); batches that broadcast otherwise are
// expanded first with a strided copy.
import * as tf from '../../tf';
import type { KernelArgs } from '../../register-kernels';
import type { NativeBackend } from '../backend';
import { backendOf, broadcastStrides, collapseAxes, type NativeKernel } from './util';

/** x with its batch axes expanded to `batch` (a copy), unless they already are or x has a single matrix. */
function expandBatch(backend: NativeBackend, x: tf.TensorInfo, batch: number[]): { info: tf.TensorInfo; temporary: boolean } {
  const batchX = x.shape.slice(0, -2);
  const size = tf.util.sizeFromShape(batchX);
  if (size === 1 || size === tf.util.sizeFromShape(batch)) return { info: x, temporary: false };
  const matrix = x.shape.slice(-2);
  const outShape = [...batch, ...matrix];
  const out = backend.makeOutput(outShape, x.dtype);
  const plan = collapseAxes(outShape, [broadcastStrides(outShape, x.shape), broadcastStrides(outShape, outShape)]);
  backend.addon.stridedCopy(4, backend.handle(x), backend.handle(out), plan.shape, plan.strides[0], 0, plan.strides[1], 0);
  return { info: out, temporary: true };
}

export const batchMatMulKernel: NativeKernel = {
  kernelName: tf.BatchMatMul,
  kernelFunc: (args: KernelArgs) => {
    const backend = backendOf(args);
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
    if (a.dtype !== 'float32' || b.dtype !== 'float32') throw new Error(`BatchMatMul on ${backend.backendName}: float32 only, got ${a.dtype} and ${b.dtype}`);
    const [aRows, aCols] = a.shape.slice(-2);
    const [bRows, bCols] = b.shape.slice(-2);
    const m = transposeA ? aCols : aRows;
    const k = transposeA ? aRows : aCols;
    const n = transposeB ? bRows : bCols;
    const kB = transposeB ? bCols : bRows;
    if (k !== kB) throw new Error(`BatchMatMul: inner dimensions ${k} and ${kB} of [${a.shape}] and [${b.shape}] differ (transposeA=${transposeA}, transposeB=${transposeB})`);
    const batch = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
    const batchSize = tf.util.sizeFromShape(batch);
    const out = backend.makeOutput([...batch, m, n], 'float32');
    if (batchSize === 0 || m === 0 || n === 0) return out;
    const ea = expandBatch(backend, a, batch);
    const eb = expandBatch(backend, b, batch);
    try {
      const strideOf = (x: tf.TensorInfo) => (tf.util.sizeFromShape(x.shape.slice(0, -2)) === 1 ? 0 : x.shape.at(-2)! * x.shape.at(-1)!);
      // x [B, T, C] @ W [C, D] (a linear layer): the batch's rows are one [B·T, C] matrix, so one large product
      // replaces B small ones.
      const fold = strideOf(eb.info) === 0 && !transposeA && strideOf(ea.info) !== 0;
      const [rows, items] = fold ? [m * batchSize, 1] : [m, batchSize];
      backend.addon.gemm(
        backend.handle(ea.info), backend.handle(eb.info), backend.handle(out), transposeA, transposeB, rows, n, k,
        aCols, strideOf(ea.info), bCols, strideOf(eb.info), n, m * n, items, 1, 0,
      );
    } finally {
      if (ea.temporary) backend.disposeIntermediateTensorInfo(ea.info);
      if (eb.temporary) backend.disposeIntermediateTensorInfo(eb.info);
    }
    return out;
  },
};
