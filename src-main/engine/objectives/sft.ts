// Supervised fine-tuning objective: cross-entropy on answer tokens only.
import * as tf from '../backend/tf';
import { tokenLogProbs } from './logProbs';

/**
 * Mean cross-entropy over masked tokens of the whole batch (HF `ForCausalLMLoss` with ignored
 * prompt tokens): −Σ mask·log p(label) / Σ mask. Labels are aligned with logits (no shift here).
 * A batch without any answer token gives 0 rather than NaN, so one empty batch cannot poison the
 * optimiser state.
 */
export function sftLoss(logits: tf.Tensor3D, labels: tf.Tensor2D, mask: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const weights = tf.cast(mask, 'float32');
    const total = tf.sum(tf.mul(tokenLogProbs(logits, labels), weights));
    return tf.neg(tf.div(total, tf.maximum(tf.sum(weights), 1))) as tf.Scalar;
  });
}
