// ViT patch embedding as reshape/transpose + one matMul instead of a strided conv2d: the same
// numbers, but with gradients on every backend (wasm lacks Conv2DBackpropFilter) and a plain matMul.
import * as tf from '../backend/tf';
import { linear } from './linear';

/**
 * Cuts NCHW images into non-overlapping p×p patches, row-major over the patch grid, each patch
 * flattened in (channel, row, column) order — the order of a PyTorch Conv2d weight [out, C, p, p]
 * flattened to [out, C·p·p]. Pixels past the last whole patch are dropped, as a stride-p "valid"
 * convolution drops them (SigLIP so400m: 384 px with 14 px patches → 27×27 patches).
 * @param pixels [B, C, H, W] → returns [B, (H/p)·(W/p), C·p·p]
 */
export function patchify(pixels: tf.Tensor, patchSize: number): tf.Tensor3D {
  return tf.tidy(() => {
    const [batch, channels, height, width] = pixels.shape as [number, number, number, number];
    const rows = Math.floor(height / patchSize);
    const cols = Math.floor(width / patchSize);
    const cropped =
      rows * patchSize === height && cols * patchSize === width
        ? pixels
        : tf.slice(pixels, [0, 0, 0, 0], [batch, channels, rows * patchSize, cols * patchSize]);
    const grid = tf.reshape(cropped, [batch, channels, rows, patchSize, cols, patchSize]);
    const patches = tf.transpose(grid, [0, 2, 4, 1, 3, 5]);
    return tf.reshape(patches, [batch, rows * cols, channels * patchSize * patchSize]);
  });
}

/**
 * Conv2d(C, hidden, kernel=p, stride=p) over NCHW pixels, returned as tokens.
 * @param kernel [C·p·p, hidden] — the conv weight [hidden, C, p, p] reshaped to 2-D and transposed
 *               (ParamSpec layout `kernel`)
 * @param bias   [hidden], optional (SigLIP has one, CLIP not)
 * @returns [B, numPatches, hidden]
 */
export function patchEmbedding(pixels: tf.Tensor, patchSize: number, kernel: tf.Tensor, bias?: tf.Tensor): tf.Tensor3D {
  return tf.tidy(() => linear(patchify(pixels, patchSize), kernel, bias) as tf.Tensor3D);
}
