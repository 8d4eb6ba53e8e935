// The gradient of BatchMatMul, for every backend, with broadcast batches summed. Replaces tfjs's, which returns
// wrong shapes when a batch broadcasts ([B, T, C] @ [C, D]). On wasm, transposed products are its slow path (an SFT
// step went 2.05 s → 0.51 s without them), so there the transposes are made explicitly; the other backends' BLAS
// takes the transpose flags for free, and a copy would only cost time.
// tfjs-core itself, not '../tf': tf.ts registers this gradient, and an import back would be a cycle.
import * as tf from '@tensorflow/tfjs-core';

/** x with its last two axes swapped. */
function swapLastTwo(x: tf.Tensor): tf.Tensor {
  const perm = x.shape.map((_, i) => i);
  perm.splice(-2, 2, perm.length - 1, perm.length - 2);
  return tf.transpose(x, perm);
}

/** op(x)·op(y), op = transpose of the last two axes where asked: flags where the backend is fast with them. */
function product(x: tf.Tensor, y: tf.Tensor, transposeX: boolean, transposeY: boolean): tf.Tensor {
  if (tf.getBackend() !== 'wasm') return tf.matMul(x, y, transposeX, transposeY);
  return tf.matMul(transposeX ? swapLastTwo(x) : x, transposeY ? swapLastTwo(y) : y);
}

function batchSize(x: tf.Tensor): number {
  return tf.util.sizeFromShape(x.shape.slice(0, -2));
}

/**
 * Σ over batch items of xᵢᵀ yᵢ, for x [..., R, P] and y [..., R, Q] with the same batch: the batch folds into
 * the contracted rows, so it is one plain [P, B·R] @ [B·R, Q] product, not a batched one and a sum.
 */
function contractOverBatch(x: tf.Tensor, y: tf.Tensor): tf.Tensor {
  const p = x.shape[x.rank - 1];
  const q = y.shape[y.rank - 1];
  return product(tf.reshape(x, [-1, p]), tf.reshape(y, [-1, q]), true, false);
}

/** A gradient computed over the output's batch, summed down to the input's (broadcast) shape. */
function sumToShape(grad: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = tf.broadcast_util.getReductionAxes(shape, grad.shape);
  return tf.reshape(axes.length > 0 ? tf.sum(grad, axes) : grad, shape);
}

export const batchMatMulGradConfig: tf.GradConfig = {
  kernelName: tf.BatchMatMul,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, saved, attrs) => {
    const [a, b] = saved;
    const g = dy as tf.Tensor;
    const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
    // With A = op(a) [..., M, K] and B = op(b) [..., K, N]: dA = dy Bᵀ and dB = Aᵀ dy, each written as one product
    // of the saved operands with transpose flags.
    // An operand that is one matrix used across a batch (the weights of x [B, T, C] @ W [C, D]) gets its
    // gradient summed over that batch, which `contractOverBatch` does inside the product.
    const shared = (x: tf.Tensor): boolean => batchSize(x) === 1 && batchSize(g) > 1;
    return {
      a: () => {
        if (shared(a)) {
          const dyT = swapLastTwo(g);
          const bT = transposeB ? b : swapLastTwo(b); // Bᵀ
          const da = transposeA ? contractOverBatch(bT, dyT) : contractOverBatch(dyT, bT);
          return tf.reshape(da, a.shape);
        }
        // a = A: dy·Bᵀ; a = Aᵀ: (dy·Bᵀ)ᵀ = B·dyᵀ.
        const da = transposeA ? product(b, g, transposeB, true) : product(g, b, false, !transposeB);
        return sumToShape(da, a.shape);
      },
      b: () => {
        if (shared(b)) {
          const aMatrix = transposeA ? swapLastTwo(a) : a; // A
          return tf.reshape(transposeB ? contractOverBatch(g, aMatrix) : contractOverBatch(aMatrix, g), b.shape);
        }
        // b = B: Aᵀ·dy; b = Bᵀ: (Aᵀ·dy)ᵀ = dyᵀ·A.
        const db = transposeB ? product(g, a, true, transposeA) : product(a, g, !transposeA, false);
        return sumToShape(db, b.shape);
      },
    };
  },
};
