// Global-norm gradient clipping as torch.nn.utils.clip_grad_norm_ does it (the norm over all gradients
// together; scale by max_norm / (norm + 1e-6) when that is below 1), returning the norm before clipping.
import * as tf from '../backend/tf';

/** The gradients' global L2 norm (read back: it is logged, and a non-finite one stops the run). */
export function globalNorm(grads: readonly tf.Tensor[]): number {
  // Each square is freed as soon as it is summed: held together they would cost as much memory as the gradients.
  return tf.tidy(() => Math.sqrt(tf.addN(grads.map((g) => tf.tidy(() => tf.sum(tf.square(g))))).dataSync()[0] as number));
}

/**
 * Scales the gradients in `grads` (name → gradient) so that their global norm is at most `maxNorm`, replacing each
 * entry by its scaled copy and freeing the old one at once — so clipping costs one gradient's memory, not all of
 * them. Returns the norm before clipping (`grad_norm` in the logs); leaves the map alone when it is within the limit.
 */
export function clipByGlobalNorm(grads: Map<string, tf.Tensor>, maxNorm: number | undefined): number {
  const norm = globalNorm([...grads.values()]);
  const coefficient = maxNorm === undefined ? 1 : maxNorm / (norm + 1e-6);
  if (!(coefficient < 1)) return norm;
  for (const [name, grad] of grads) {
    grads.set(name, tf.mul(grad, coefficient));
    grad.dispose();
  }
  return norm;
}
