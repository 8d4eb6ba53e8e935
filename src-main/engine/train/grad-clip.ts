// Global-norm gradient clipping as torch.nn.utils.clip_grad_norm_ does it (the norm over all gradients
// together; scale by max_norm / (norm + 1e-6) when that is below 1), returning the norm before clipping.
import * as tf from '../backend/tf';

/** The gradients' global L2 norm (read back: it is logged, and a non-finite one stops the run). */
export function globalNorm(grads: readonly tf.Tensor[]): number {
  // Each square is freed as soon as it is summed: held together they would cost as much memory as the gradients.
  return tf.tidy(() => Math.sqrt(tf.addN(grads.map((g) => tf.tidy(() => tf.sum(tf.square(g))))).dataSync()[0] as number));
}

/**
 * Scales `grads` so that their global norm is at most `maxNorm`. Returns new tensors when it scales (the caller
 * disposes the old ones) and the inputs otherwise, and the norm before clipping (`grad_norm` in the logs).
 */
export function clipByGlobalNorm(grads: readonly tf.Tensor[], maxNorm: number | undefined): { grads: tf.Tensor[]; norm: number } {
  const norm = globalNorm(grads);
  const coefficient = maxNorm === undefined ? 1 : maxNorm / (norm + 1e-6);
  if (!(coefficient < 1)) return { grads: [...grads], norm };
  return { grads: grads.map((g) => tf.mul(g, coefficient)), norm };
}
