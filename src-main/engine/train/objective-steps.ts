// The objectives as the loop calls them on one micro-batch: SFT's answer-token cross-entropy, DPO's sigmoid
// loss over summed answer-token log-probs (chosen and rejected rows in one forward pass), and the labels stage's
// multi-label BCE through its head.
import * as tf from '../backend/tf';
import { dpoLoss } from '../objectives/dpo';
import { multiHotTargets, multiLabelBce } from '../objectives/labels';
import { sequenceLogProbs, shiftForNextToken } from '../objectives/logProbs';
import { sftLoss } from '../objectives/sft';
import type { Mllm, MllmBatch } from '../models/mllm/model';
import type { LabelHead } from './label-head';

/** Summed answer-token log-probs of each row [rows], the model's outputs shifted for next-token prediction. */
export function sequenceLogpsOf(model: Mllm, batch: MllmBatch): tf.Tensor1D {
  return tf.tidy(() => {
    const out = model.forward(batch);
    const shifted = shiftForNextToken(out.logits, out.inputIds, out.labelsMask);
    return sequenceLogProbs(shifted.logits, shifted.labels, shifted.mask);
  });
}

/** Mean cross-entropy over the batch's answer tokens (caption, instruct and sft stages). */
export function sftLossOf(model: Mllm, batch: MllmBatch): tf.Scalar {
  return tf.tidy(() => {
    const out = model.forward(batch);
    const shifted = shiftForNextToken(out.logits, out.inputIds, out.labelsMask);
    return sftLoss(shifted.logits, shifted.labels, shifted.mask);
  });
}

/** BCE of which classes each image shows (labels stage): the batch's images through the encoder and `head`. */
export function labelLossOf(model: Mllm, head: LabelHead, pixels: tf.Tensor4D, labels: readonly (readonly number[])[]): tf.Scalar {
  return tf.tidy(() => {
    const logits = head.logits(model, pixels);
    return multiLabelBce(logits, multiHotTargets(labels, logits.shape[1]));
  });
}

/** Per-pair log-probs of a DPO micro-batch: the policy's (read during the forward pass) and the cached reference's. */
export interface PairLogps {
  policyChosen: Float32Array;
  policyRejected: Float32Array;
  referenceChosen: Float32Array;
  referenceRejected: Float32Array;
}

/**
 * TRL's sigmoid DPO loss of a batch whose rows are B chosen then B rejected sequences. The policy's log-probs are
 * read back into `seen` for the metrics (a read inside the gradient closure costs one sync, no extra forward).
 */
export function dpoLossOf(model: Mllm, batch: MllmBatch, reference: { chosen: Float32Array; rejected: Float32Array }, beta: number, seen: (logps: PairLogps) => void): tf.Scalar {
  return tf.tidy(() => {
    const pairs = reference.chosen.length;
    const logps = sequenceLogpsOf(model, batch);
    if (logps.shape[0] !== 2 * pairs) throw new Error(`dpoLossOf: ${logps.shape[0]} rows for ${pairs} pairs; expected chosen and rejected rows`);
    const [policyChosen, policyRejected] = tf.split(logps, 2) as [tf.Tensor1D, tf.Tensor1D];
    const values = logps.dataSync() as Float32Array;
    seen({ policyChosen: values.slice(0, pairs), policyRejected: values.slice(pairs), referenceChosen: reference.chosen, referenceRejected: reference.rejected });
    const { loss } = dpoLoss({ policyChosen, policyRejected, referenceChosen: tf.tensor1d(reference.chosen), referenceRejected: tf.tensor1d(reference.rejected) }, beta);
    return loss;
  });
}

/** TRL's DPO metrics over every pair of a step: means of rewards, margins, accuracy and log-probs. */
export function dpoMetrics(all: readonly PairLogps[], beta: number): Record<string, number> {
  let n = 0;
  const sums = { chosen: 0, rejected: 0, margins: 0, accuracies: 0, logpsChosen: 0, logpsRejected: 0, refChosen: 0, refRejected: 0 };
  for (const p of all) {
    p.policyChosen.forEach((pc, i) => {
      const pr = p.policyRejected[i] as number;
      const rc = p.referenceChosen[i] as number;
      const rr = p.referenceRejected[i] as number;
      const chosen = beta * (pc - rc);
      const rejected = beta * (pr - rr);
      sums.chosen += chosen;
      sums.rejected += rejected;
      sums.margins += chosen - rejected;
      sums.accuracies += chosen > rejected ? 1 : 0;
      sums.logpsChosen += pc;
      sums.logpsRejected += pr;
      sums.refChosen += rc;
      sums.refRejected += rr;
      n++;
    });
  }
  const mean = (x: number) => x / Math.max(1, n);
  return {
    'rewards/chosen': mean(sums.chosen),
    'rewards/rejected': mean(sums.rejected),
    'rewards/accuracies': mean(sums.accuracies),
    'rewards/margins': mean(sums.margins),
    'logps/chosen': mean(sums.logpsChosen),
    'logps/rejected': mean(sums.logpsRejected),
    'ref_logps/chosen': mean(sums.refChosen),
    'ref_logps/rejected': mean(sums.refRejected),
  };
}
