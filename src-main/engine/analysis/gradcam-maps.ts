// From gradients to heat maps: the study's per-token L1 norm of the visual-token gradient, standard ViT Grad-CAM
// (channel weights = mean gradient, ReLU of the weighted sum), and the [0, 1] normalisation both are shown with.
import * as tf from '../backend/tf';

/** Σ_c |g[t, c]| per visual token: [1, N, C] (or [N, C]) → N values, row-major over the patch grid. */
export function projectorL1Map(gradient: tf.Tensor): Float32Array {
  const sums = tf.tidy(() => tf.sum(tf.abs(tf.reshape(gradient, [-1, gradient.shape[gradient.rank - 1] as number])), -1));
  const values = Float32Array.from(sums.dataSync());
  sums.dispose();
  return values;
}

/**
 * Grad-CAM over patch tokens: w_c = mean_t g[t, c], map_t = ReLU(Σ_c w_c · a[t, c]). `activations` and `gradients`
 * are [1, T, C] (or [T, C]); with `classToken` the first token (CLS) is dropped from both before anything else.
 */
export function layerGradcamMap(activations: tf.Tensor, gradients: tf.Tensor, classToken: boolean): Float32Array {
  if (!tf.util.arraysEqual(activations.shape, gradients.shape)) {
    throw new Error(`Grad-CAM: activations [${activations.shape}] and gradients [${gradients.shape}] differ in shape`);
  }
  const cam = tf.tidy(() => {
    const width = activations.shape[activations.rank - 1] as number;
    const drop = (x: tf.Tensor): tf.Tensor2D => {
      const flat = tf.reshape(x, [-1, width]) as tf.Tensor2D;
      return classToken ? tf.slice(flat, [1, 0], [flat.shape[0] - 1, width]) : flat;
    };
    const a = drop(activations);
    const weights = tf.mean(drop(gradients), 0);
    return tf.relu(tf.sum(tf.mul(a, weights), -1));
  });
  const values = Float32Array.from(cam.dataSync());
  cam.dispose();
  return values;
}

/**
 * (x − min) / (max − min), the usual Grad-CAM display scaling (pytorch-grad-cam's `scale_cam_image`); a constant
 * map (e.g. a zero gradient) becomes all zeros, so it carries no mass rather than a uniform one.
 */
export function normaliseMap(values: ArrayLike<number>): Float32Array {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const out = new Float32Array(values.length);
  const range = max - min;
  if (!(range > 0) || !Number.isFinite(range)) return out;
  for (let i = 0; i < values.length; i++) out[i] = ((values[i] as number) - min) / range;
  return out;
}
