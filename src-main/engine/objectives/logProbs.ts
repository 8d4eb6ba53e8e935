// Per-token and per-sequence log-probabilities of given labels under a causal LM's logits:
// the shared core of the SFT and DPO objectives.
import { backendHasKernel } from '../backend/native/fused/available';
import { fusedLogSoftmaxGather, PIVOT_LOG_SOFTMAX_GATHER } from '../backend/native/fused/log-softmax-gather';
import * as tf from '../backend/tf';
import type { Mllm, MllmBatch } from '../models/mllm/model';

/**
 * log softmax(logits)[b, t, labels[b, t]] → [B, T].
 * No shift happens here: logits[:, t] is scored against labels[:, t] (see `shiftForNextToken`).
 * Gathers from the flattened logits instead of building a [B, T, V] one-hot, so memory stays
 * O(B·T·V) once and the gradient is a scatter (UnsortedSegmentSum). Where the backend has it (native, cuda),
 * one fused kernel does all of it, with the same clipping of labels.
 */
export function tokenLogProbs(logits: tf.Tensor3D, labels: tf.Tensor2D): tf.Tensor2D {
  if (backendHasKernel(PIVOT_LOG_SOFTMAX_GATHER)) return fusedLogSoftmaxGather(logits, labels) as tf.Tensor2D;
  return tf.tidy(() => {
    const [batch, time, vocab] = logits.shape;
    // Clipping makes masked-out filler labels (HF's -100, out-of-vocab pads) harmless: with flat
    // indexing they would otherwise read a neighbouring row or throw.
    const safeLabels = tf.clipByValue(tf.reshape(tf.cast(labels, 'int32'), [batch * time]), 0, vocab - 1);
    const rowStarts = tf.mul(tf.range(0, batch * time, 1, 'int32'), tf.scalar(vocab, 'int32'));
    const picked = tf.gather(tf.reshape(logits, [batch * time * vocab]), tf.add(rowStarts, safeLabels));
    return tf.sub(tf.reshape(picked, [batch, time]), logSumExpLastAxis(logits)) as tf.Tensor2D;
  });
}

/**
 * logsumexp over the last axis with the analytic gradient dy · softmax(x). tf.logSumExp's own gradient also runs
 * through its stabilising max (an Equal, a Cast and a Multiply over all B·T·V logits) although that part is
 * exactly zero: the result does not depend on the shift.
 */
const logSumExpLastAxis = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  const value = tf.logSumExp(x, -1, true);
  save([x, value]);
  return {
    value: tf.squeeze(value, [-1]),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [input, lse] = saved as [tf.Tensor, tf.Tensor];
      return tf.mul(tf.expandDims(dy, -1), tf.exp(tf.sub(input, lse)));
    },
  };
}) as (x: tf.Tensor) => tf.Tensor;

/**
 * Sum over masked positions of log softmax(logits)[b, t, labels[b, t]] → [B].
 * Convention (the same as the fixture `losses_reference.safetensors`): labels are already aligned
 * with logits, i.e. logits[:, t] predicts labels[:, t]; mask is 1 on answer tokens, 0 elsewhere.
 */
export function sequenceLogProbs(logits: tf.Tensor3D, labels: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.sum(tf.mul(tokenLogProbs(logits, labels), tf.cast(mask, 'float32')), -1) as tf.Tensor1D);
}

/** Logits, labels and mask aligned for next-token prediction (see `shiftForNextToken`). */
export interface NextTokenTargets {
  /** logits[:, :-1] → [B, T-1, V]. */
  logits: tf.Tensor3D;
  /** inputIds[:, 1:] → [B, T-1] int32. */
  labels: tf.Tensor2D;
  /** labelsMask[:, 1:] → [B, T-1] float32. */
  mask: tf.Tensor2D;
}

/**
 * Turns a causal LM's output over `inputIds` into the aligned form the objectives take: the logit
 * at position t predicts token t+1, so the last logit and the first label/mask entry are dropped.
 * `labelsMask` marks answer tokens of `inputIds` (as `buildTrainingExample` returns it).
 */
export function shiftForNextToken(logits: tf.Tensor3D, inputIds: tf.Tensor2D, labelsMask: tf.Tensor2D): NextTokenTargets {
  const [batch, time, vocab] = logits.shape;
  if (inputIds.shape[0] !== batch || inputIds.shape[1] !== time || labelsMask.shape[0] !== batch || labelsMask.shape[1] !== time) {
    throw new Error(
      `shiftForNextToken: logits [${logits.shape}] need inputIds and labelsMask of shape [${batch},${time}], ` +
        `got [${inputIds.shape}] and [${labelsMask.shape}]`,
    );
  }
  return tf.tidy(() => ({
    logits: tf.slice(logits, [0, 0, 0], [batch, time - 1, vocab]),
    labels: tf.cast(tf.slice(inputIds, [0, 1], [batch, time - 1]), 'int32'),
    mask: tf.cast(tf.slice(labelsMask, [0, 1], [batch, time - 1]), 'float32'),
  }));
}

/** Summed answer-token log-probs of each row [rows], the model's outputs shifted for next-token prediction. */
export function sequenceLogpsOf(model: Mllm, batch: MllmBatch): tf.Tensor1D {
  return tf.tidy(() => {
    const out = model.forward(batch);
    const shifted = shiftForNextToken(out.logits, out.inputIds, out.labelsMask);
    return sequenceLogProbs(shifted.logits, shifted.labels, shifted.mask);
  });
}
