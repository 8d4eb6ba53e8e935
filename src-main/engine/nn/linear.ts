// Fully connected layer over the last axis, with the weight kept in the layout of a plain matMul.
// Why not PyTorch's [out, in]: on wasm only non-transposed 2-D matmuls reach XNNPACK, so loaders
// transpose once (`kernelFromTorch`) and every forward pass runs `matMul(x2d, kernel)`.
import * as tf from '../backend/tf';

/**
 * y = x · kernel + bias over the last axis of x.
 * @param x      [..., in] float32 (any rank ≥ 1; flattened to [N, in] for one plain 2-D matMul)
 * @param kernel [in, out] — the TRANSPOSE of PyTorch's `nn.Linear.weight` ([out, in]); convert with
 *               `kernelFromTorch` at load time and `kernelToTorch` at export.
 * @param bias   [out], optional (Qwen2's o_proj / MLP have none)
 * @returns      [..., out]
 */
export function linear(x: tf.Tensor, kernel: tf.Tensor, bias?: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [inFeatures, outFeatures] = kernel.shape as [number, number];
    const lead = x.shape.slice(0, -1);
    if (x.shape[x.rank - 1] !== inFeatures) {
      throw new Error(
        `linear: input has ${x.shape[x.rank - 1]} features on its last axis but the kernel expects ${inFeatures} ` +
          `(kernel shape [${kernel.shape.join(',')}] is [in, out], the transpose of a PyTorch weight)`,
      );
    }
    const flat = x.rank === 2 ? x : tf.reshape(x, [-1, inFeatures]);
    let y = tf.matMul(flat, kernel);
    if (bias) y = tf.add(y, bias);
    return x.rank === 2 ? y : tf.reshape(y, [...lead, outFeatures]);
  });
}

/** PyTorch `nn.Linear.weight` [out, in] → the [in, out] kernel `linear` expects (done once, at load). */
export function kernelFromTorch(weight: tf.Tensor): tf.Tensor2D {
  return tf.transpose(weight as tf.Tensor2D);
}

/** The inverse of `kernelFromTorch`, for export: [in, out] → [out, in]. */
export function kernelToTorch(kernel: tf.Tensor): tf.Tensor2D {
  return tf.transpose(kernel as tf.Tensor2D);
}
