// BatchMatMul for cpu, the reference backend, correct when two batches broadcast against each other. tfjs-cpu
// picks the smaller operand's matrix as (output item mod its batch size), which is right only when it
// broadcasts along leading axes: [B, H] @ [B, 1] (grouped-query attention) gave wrong products.
import type { KernelArgs } from '../../register-kernels';
import * as tf from '../../tf';

/** Wraps the stock cpu kernel (`stock`): operands whose batches broadcast each other are tiled to the full batch. */
export function batchMatMulOver(stock: tf.KernelConfig): tf.KernelConfig {
  function batchMatMul(args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const batchA = a.shape.slice(0, -2);
    const batchB = b.shape.slice(0, -2);
    const batch = tf.broadcast_util.assertAndGetBroadcastShape(batchA, batchB);
    const full = (batchX: number[]): boolean => tf.util.sizeFromShape(batchX) === tf.util.sizeFromShape(batch);
    if (tf.util.sizeFromShape(batchA) === 1 || tf.util.sizeFromShape(batchB) === 1 || (full(batchA) && full(batchB))) {
      return stock.kernelFunc(args);
    }
    const tile = tf.getKernel(tf.Tile, 'cpu').kernelFunc;
    const tiled: tf.TensorInfo[] = [];
    const toFullBatch = (x: tf.TensorInfo, batchX: number[]): tf.TensorInfo => {
      if (full(batchX)) return x;
      const padded = [...new Array<number>(batch.length - batchX.length).fill(1), ...batchX];
      const view = { ...x, shape: [...padded, ...x.shape.slice(-2)] };
      const reps = [...batch.map((size, i) => (padded[i] === 1 ? size : 1)), 1, 1];
      const t = tile({ inputs: { x: view }, backend: args.backend, attrs: { reps } }) as tf.TensorInfo;
      tiled.push(t);
      return t;
    };
    try {
      return stock.kernelFunc({ ...args, inputs: { a: toFullBatch(a, batchA), b: toFullBatch(b, batchB) } });
    } finally {
      const backend = args.backend as { disposeIntermediateTensorInfo(info: tf.TensorInfo): void };
      for (const t of tiled) backend.disposeIntermediateTensorInfo(t);
    }
  }
  return { ...stock, kernelFunc: batchMatMul };
}
