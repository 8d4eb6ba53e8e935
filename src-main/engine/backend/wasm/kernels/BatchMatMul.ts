// BatchMatMul for wasm that keeps every product on XNNPACK. The stock kernel sends any transposed or batched
// matmul to a scalar C++ loop, 5–30× slower (bench/matmul-wasm.ts); this one wraps it and feeds it only plain
// [M, K] @ [K, N] products, which it hands to XNNPACK.
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '../../tf';
import { aliasOf, heapView, input, releaseAlias, wasmBackend } from '../heap';
import type { KernelArgs } from '../../register-kernels';

const plain: tf.BatchMatMulAttrs = { transposeA: false, transposeB: false };

/** Swaps the last two axes with the Transpose kernel: one copy, paid back many times over by the fast path. */
function swapLastTwo(backend: BackendWasm, x: tf.TensorInfo): tf.TensorInfo {
  const perm = x.shape.map((_, i) => i);
  perm.splice(-2, 2, perm.length - 1, perm.length - 2);
  const transpose = tf.getKernel(tf.Transpose, 'wasm').kernelFunc;
  return transpose({ inputs: { x }, backend, attrs: { perm } }) as tf.TensorInfo;
}

/** Which matrix of an operand with batch shape `batch` feeds output item `item` of `outBatch` (broadcasting). */
function itemOf(item: number, outBatch: number[], batch: number[]): number {
  const padded = [...new Array<number>(outBatch.length - batch.length).fill(1), ...batch];
  let index = 0;
  let stride = 1;
  let rest = item;
  for (let d = outBatch.length - 1; d >= 0; d--) {
    const coordinate = rest % outBatch[d];
    rest = Math.floor(rest / outBatch[d]);
    if (padded[d] !== 1) index += coordinate * stride;
    stride *= padded[d];
  }
  return index;
}

/**
 * Multiplies batch items one by one, each as a plain product over aliases into the operands' memory; the
 * results are copied into one output (M·N per item, against M·K·N multiply-adds).
 */
function perItem(
  stock: tf.KernelFunc,
  backend: BackendWasm,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  batchShape: number[],
): tf.TensorInfo {
  const [m, k] = a.shape.slice(-2);
  const n = b.shape[b.shape.length - 1];
  const out = backend.makeOutput([...batchShape, m, n], 'float32');
  for (let i = 0; i < tf.util.sizeFromShape(batchShape); i++) {
    const aItem = aliasOf(backend, a, itemOf(i, batchShape, a.shape.slice(0, -2)) * m * k, [m, k]);
    const bItem = aliasOf(backend, b, itemOf(i, batchShape, b.shape.slice(0, -2)) * k * n, [k, n]);
    const product = stock({ inputs: { a: aItem, b: bItem }, backend, attrs: { ...plain } }) as tf.TensorInfo;
    heapView(backend, out).set(heapView(backend, product), i * m * n);
    backend.disposeData(product.dataId);
    releaseAlias(backend, aItem);
    releaseAlias(backend, bItem);
  }
  return out;
}

/** Wraps the stock wasm BatchMatMul kernel (`stock`), which still does every product. */
export function batchMatMulOver(stock: tf.KernelConfig): tf.KernelConfig {
  function batchMatMul(args: KernelArgs): tf.TensorInfo {
    const backend = wasmBackend(args);
    const a = input(args, 'a');
    const b = input(args, 'b');
    const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.includes(0) || b.shape.includes(0)) {
      return stock.kernelFunc(args) as tf.TensorInfo;
    }
    const temporaries: tf.TensorInfo[] = [];
    const operand = (x: tf.TensorInfo, transposed: boolean): tf.TensorInfo => {
      if (!transposed) return x;
      const swapped = swapLastTwo(backend, x);
      temporaries.push(swapped);
      return swapped;
    };
    try {
      const a2 = operand(a, transposeA);
      const b2 = operand(b, transposeB);
      const batchShape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
      const [m, k] = a2.shape.slice(-2);
      const n = b2.shape[b2.shape.length - 1];
      const kB = b2.shape[b2.shape.length - 2];
      tf.util.assert(k === kB, () => `Error in matMul: inner shapes (${k}) and (${kB}) of tensors with shapes ` +
        `${a.shape} and ${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`);
      if (tf.util.sizeFromShape(b2.shape.slice(0, -2)) === 1) {
        // One matrix on the right (x [B, T, C] @ W [C, D]): fold a's batch into its rows, one plain product.
        // The views share the operands' data and are not ours to dispose.
        const rows = { ...a2, shape: [tf.util.sizeFromShape(batchShape) * m, k] };
        const matrix = { ...b2, shape: [k, n] };
        const out = stock.kernelFunc({ inputs: { a: rows, b: matrix }, backend, attrs: { ...plain } }) as tf.TensorInfo;
        return { ...out, shape: [...batchShape, m, n] };
      }
      return perItem(stock.kernelFunc, backend, a2, b2, batchShape);
    } finally {
      for (const t of temporaries) backend.disposeData(t.dataId);
    }
  }
  return { ...stock, kernelFunc: batchMatMul as tf.KernelFunc };
}
