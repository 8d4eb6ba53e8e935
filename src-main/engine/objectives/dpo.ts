// Direct Preference Optimisation, TRL's sigmoid loss (Rafailov et al. 2023), over per-sequence
// log-probs of answer tokens as the PIVOT recipe uses it (beta 0.1, no SFT term).
import * as tf from '../backend/tf';
import { logSigmoid } from '../backend/safe-ops';

/** Summed answer-token log-probs of one batch of preference pairs, each [B]. */
export interface PreferenceLogProbs {
  policyChosen: tf.Tensor1D;
  policyRejected: tf.Tensor1D;
  referenceChosen: tf.Tensor1D;
  referenceRejected: tf.Tensor1D;
}

/** The DPO loss and the metrics TRL logs beside it. */
export interface DpoOutput {
  /** mean over pairs of −log σ(β·((πc − rc) − (πr − rr))), a scalar. */
  loss: tf.Scalar;
  /** β·(πc − rc) per pair, [B]. */
  chosenRewards: tf.Tensor1D;
  /** β·(πr − rr) per pair, [B]. */
  rejectedRewards: tf.Tensor1D;
  /** chosenRewards − rejectedRewards per pair, [B]. */
  margin: tf.Tensor1D;
  /** Fraction of pairs whose chosen reward exceeds the rejected one, a scalar. */
  accuracy: tf.Scalar;
}

/**
 * TRL `DPOTrainer` sigmoid loss, through the engine's `logSigmoid` (= −softplus(−z): the gradient
 * of `tf.logSigmoid` fails inside `minimize`, and softplus is stable for large |z|).
 * Only `loss` carries a useful gradient; the other outputs are metrics. Inside `minimize`, `tf.keep`
 * any metric you want to read afterwards, or recompute it from the log-probs.
 */
export function dpoLoss(logps: PreferenceLogProbs, beta = 0.1): DpoOutput {
  if (!(beta > 0)) throw new Error(`dpoLoss: beta must be a positive number, got ${beta}`);
  return tf.tidy(() => {
    const chosenRewards = tf.mul(tf.sub(logps.policyChosen, logps.referenceChosen), beta) as tf.Tensor1D;
    const rejectedRewards = tf.mul(tf.sub(logps.policyRejected, logps.referenceRejected), beta) as tf.Tensor1D;
    const margin = tf.sub(chosenRewards, rejectedRewards) as tf.Tensor1D;
    const loss = tf.neg(tf.mean(logSigmoid(margin))) as tf.Scalar;
    const accuracy = tf.mean(tf.cast(tf.greater(chosenRewards, rejectedRewards), 'float32')) as tf.Scalar;
    return { loss, chosenRewards, rejectedRewards, margin, accuracy };
  });
}
