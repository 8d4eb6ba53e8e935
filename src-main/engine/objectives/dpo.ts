// Direct Preference Optimisation (`dpo` branches), TRL's sigmoid loss (Rafailov et al. 2023), over per-sequence
// log-probs of answer tokens as the PIVOT recipe uses it (beta 0.1, no SFT term): its examples (chosen and rejected
// side by side), its preparation (the reference log-probs), its loss and TRL's metrics, computed once per pair.
import * as tf from '../backend/tf';
import { logSigmoid } from '../backend/safe-ops';
import { tokenisedItems } from '../data/batches';
import type { Mllm, MllmBatch } from '../models/mllm/model';
import { referenceLogpsFor } from './dpo-reference';
import { sequenceLogpsOf } from './logProbs';
import { pairsOf } from './sft';
import type { StageObjective } from './stage-objective';

/** Summed answer-token log-probs of one batch of preference pairs, each [B]. */
export interface PreferenceLogProbs {
  policyChosen: tf.Tensor1D;
  policyRejected: tf.Tensor1D;
  referenceChosen: tf.Tensor1D;
  referenceRejected: tf.Tensor1D;
}

/** The DPO loss and the per-pair rewards TRL's metrics are made of (see dpoMetrics). */
export interface DpoOutput {
  /** mean over pairs of −log σ(β·((πc − rc) − (πr − rr))), a scalar. */
  loss: tf.Scalar;
  /** β·(πc − rc) per pair, [B]. */
  chosenRewards: tf.Tensor1D;
  /** β·(πr − rr) per pair, [B]. */
  rejectedRewards: tf.Tensor1D;
  /** chosenRewards − rejectedRewards per pair, [B]. */
  margin: tf.Tensor1D;
}

/**
 * TRL `DPOTrainer` sigmoid loss, through the engine's `logSigmoid` (= −softplus(−z): the gradient
 * of `tf.logSigmoid` fails inside `minimize`, and softplus is stable for large |z|).
 * Only `loss` carries a useful gradient; the other outputs are what the metrics are made of. Inside `minimize`,
 * read them (or `tf.keep` them) before the closure returns.
 */
export function dpoLoss(logps: PreferenceLogProbs, beta = 0.1): DpoOutput {
  if (!(beta > 0)) throw new Error(`dpoLoss: beta must be a positive number, got ${beta}`);
  return tf.tidy(() => {
    const chosenRewards = tf.mul(tf.sub(logps.policyChosen, logps.referenceChosen), beta) as tf.Tensor1D;
    const rejectedRewards = tf.mul(tf.sub(logps.policyRejected, logps.referenceRejected), beta) as tf.Tensor1D;
    const margin = tf.sub(chosenRewards, rejectedRewards) as tf.Tensor1D;
    const loss = tf.neg(tf.mean(logSigmoid(margin))) as tf.Scalar;
    return { loss, chosenRewards, rejectedRewards, margin };
  });
}

/** What a DPO micro-batch says about each of its pairs, read back for the step's metrics. */
export interface PairOutcome {
  policyChosen: Float32Array;
  policyRejected: Float32Array;
  referenceChosen: Float32Array;
  referenceRejected: Float32Array;
  /** dpoLoss's rewards and margins, as the loss saw them. */
  chosenRewards: Float32Array;
  rejectedRewards: Float32Array;
  margins: Float32Array;
}

/**
 * TRL's sigmoid DPO loss of a batch whose rows are B chosen then B rejected sequences. The policy's log-probs and
 * the loss's rewards are read back into `seen` for the metrics (one read inside the gradient closure, no extra
 * forward).
 */
export function dpoLossOf(model: Mllm, batch: MllmBatch, reference: { chosen: Float32Array; rejected: Float32Array }, beta: number, seen: (pairs: PairOutcome) => void): tf.Scalar {
  return tf.tidy(() => {
    const pairs = reference.chosen.length;
    const logps = sequenceLogpsOf(model, batch);
    if (logps.shape[0] !== 2 * pairs) throw new Error(`dpoLossOf: ${logps.shape[0]} rows for ${pairs} pairs; expected chosen and rejected rows`);
    const [policyChosen, policyRejected] = tf.split(logps, 2) as [tf.Tensor1D, tf.Tensor1D];
    const out = dpoLoss({ policyChosen, policyRejected, referenceChosen: tf.tensor1d(reference.chosen), referenceRejected: tf.tensor1d(reference.rejected) }, beta);
    const values = tf.concat([logps, out.chosenRewards, out.rejectedRewards, out.margin]).dataSync() as Float32Array;
    const part = (k: number) => values.slice(k * pairs, (k + 1) * pairs);
    seen({
      policyChosen: part(0), policyRejected: part(1), referenceChosen: reference.chosen, referenceRejected: reference.rejected,
      chosenRewards: part(2), rejectedRewards: part(3), margins: part(4),
    });
    return out.loss;
  });
}

/** TRL's DPO metrics over every pair of a step: means of rewards, margins, accuracy (margin > 0) and log-probs. */
export function dpoMetrics(all: readonly PairOutcome[]): Record<string, number> {
  let n = 0;
  const sums = { chosen: 0, rejected: 0, margins: 0, accuracies: 0, logpsChosen: 0, logpsRejected: 0, refChosen: 0, refRejected: 0 };
  for (const p of all) {
    p.margins.forEach((margin, i) => {
      sums.chosen += p.chosenRewards[i] as number;
      sums.rejected += p.rejectedRewards[i] as number;
      sums.margins += margin;
      sums.accuracies += margin > 0 ? 1 : 0;
      sums.logpsChosen += p.policyChosen[i] as number;
      sums.logpsRejected += p.policyRejected[i] as number;
      sums.refChosen += p.referenceChosen[i] as number;
      sums.refRejected += p.referenceRejected[i] as number;
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

function pick(values: Float32Array, indices: readonly number[]): Float32Array {
  return Float32Array.from(indices, (i) => values[i] as number);
}

export const dpoObjective: StageObjective<'dpo'> = {
  kind: 'dpo',
  recordsName: 'pairs (pairs.jsonl)',
  readsCaptions: false,
  records: (dataset) => dataset.pairs,
  // Two sequences per pair: chosen, then rejected.
  examples: (records, tokenizer, limits) => tokenisedItems(pairsOf(records, 'dpo'), (r) => ({ question: r.question, answers: [r.chosen, r.rejected] }), tokenizer, limits),
  prepare: async (context) => {
    const reference = await referenceLogpsFor(context);
    const { model, stage } = context;
    let pairs: PairOutcome[] = [];
    return {
      loss: (batch, _items, indices) =>
        dpoLossOf(model, batch, { chosen: pick(reference.chosen, indices), rejected: pick(reference.rejected, indices) }, stage.beta, (p) => pairs.push(p)),
      stepMetrics: () => {
        const metrics = dpoMetrics(pairs);
        pairs = [];
        return metrics;
      },
      groups: [],
      checkpointFiles: async () => ({}),
      dispose: () => {},
    };
  },
  postTraining: {
    modelCardText: ({ beta }) =>
      `DPO (sigmoid loss, β = ${beta}, no SFT term): summed answer-token log-probs of the chosen and the rejected answer, ` +
      'prompt and image tokens masked out, against the model at the start of the stage as the frozen reference.',
  },
};
