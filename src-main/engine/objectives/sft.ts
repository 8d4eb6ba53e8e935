// Supervised fine-tuning: cross-entropy on answer tokens only. The `sft` branch learns each pair's chosen answer;
// the `instruct` and `caption` stages learn their answers with the same loss (see instruct.ts, caption.ts).
import * as tf from '../backend/tf';
import { tokenisedItems, type ImageRecord, type PairRecord, type SequenceLimits, type StageItem } from '../data/batches';
import type { Mllm, MllmBatch } from '../models/mllm/model';
import type { TextTokenizer } from '../tokenizer/textTokenizer';
import { shiftForNextToken, tokenLogProbs } from './logProbs';
import type { StageKind } from './kinds';
import { plainObjective, type ObjectiveContext, type PreparedObjective, type StageObjective } from './stage-objective';

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

/** Mean cross-entropy over the batch's answer tokens (caption, instruct and sft stages). */
export function sftLossOf(model: Mllm, batch: MllmBatch): tf.Scalar {
  return tf.tidy(() => {
    const out = model.forward(batch);
    const shifted = shiftForNextToken(out.logits, out.inputIds, out.labelsMask);
    return sftLoss(shifted.logits, shifted.labels, shifted.mask);
  });
}

/** The answer-token cross-entropy of `model`, as every stage that learns answers prepares it. */
export function prepareAnswerLoss(context: ObjectiveContext): Promise<PreparedObjective> {
  return Promise.resolve(plainObjective((batch) => sftLossOf(context.model, batch)));
}

/** The records as preference pairs; a stage of `kind` given another kind of record is a bug in the caller. */
export function pairsOf(records: readonly ImageRecord[], kind: StageKind): PairRecord[] {
  for (const r of records) if (!('chosen' in r)) throw new Error(`${kind} stage: a record that is not a preference pair (${r.file}:${r.line})`);
  return records as PairRecord[];
}

/** Items of one sequence each: the question answered with the chosen answer. */
export function chosenAnswerItems(records: readonly ImageRecord[], kind: StageKind, tokenizer: TextTokenizer, limits: SequenceLimits): StageItem[] {
  return tokenisedItems(pairsOf(records, kind), (r) => ({ question: r.question, answers: [r.chosen] }), tokenizer, limits);
}

export const sftObjective: StageObjective<'sft'> = {
  kind: 'sft',
  recordsName: 'pairs (pairs.jsonl)',
  readsCaptions: false,
  records: (dataset) => dataset.pairs,
  examples: (records, tokenizer, limits) => chosenAnswerItems(records, 'sft', tokenizer, limits),
  prepare: prepareAnswerLoss,
  postTraining: { modelCardText: () => 'SFT: cross-entropy on the chosen answers\' tokens (prompt and image tokens masked out).' },
};
