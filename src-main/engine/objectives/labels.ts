// The encoder-pretraining objective: multi-label classification of which colour-shape classes an image shows,
// binary cross-entropy on logits (PyTorch's BCEWithLogitsLoss, mean over images and classes).
import * as tf from '../backend/tf';

/** Multi-hot targets [images, classes]: 1 where the image shows the class. */
export function multiHotTargets(labels: readonly (readonly number[])[], classes: number): tf.Tensor2D {
  const data = new Float32Array(labels.length * classes);
  labels.forEach((present, i) => {
    for (const k of present) {
      if (!Number.isInteger(k) || k < 0 || k >= classes) throw new Error(`multiHotTargets: label ${k} of image ${i} is outside 0..${classes - 1}`);
      data[i * classes + k] = 1;
    }
  });
  return tf.tensor2d(data, [labels.length, classes]);
}

/**
 * mean(softplus(x) − x·y) = mean(−y·log σ(x) − (1 − y)·log(1 − σ(x))), stable for large |x|; its gradient with
 * respect to x is (σ(x) − y) / (images × classes).
 */
export function multiLabelBce(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.sub(tf.softplus(logits), tf.mul(logits, targets))) as tf.Scalar);
}
