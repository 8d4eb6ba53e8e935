// Ops whose stock tfjs versions break training, rewritten from ops whose gradients work on every backend.
import * as tf from './tf';

/**
 * log σ(x), for the DPO objective. The gradient of `tf.logSigmoid` fails inside `minimize` (ENVIRONMENT.md),
 * so it is computed as −softplus(−x): exact, and stable for large |x| because softplus is.
 */
export function logSigmoid(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.neg(tf.softplus(tf.neg(x))));
}
