// One sample's training loss as a function of its visual tokens (the projector output spliced into the LM input),
// so Grad-CAM can differentiate it with respect to them: SFT's answer cross-entropy, or DPO's sigmoid pair loss.
import * as tf from '../backend/tf';
import type { Mllm } from '../models/mllm/model';
import { spliceEmbeddings, spliceLayout, type SequenceRow, type SpliceLayout } from '../models/mllm/splice';
import { dpoLoss } from '../objectives/dpo';
import { sequenceLogProbs, shiftForNextToken, type NextTokenTargets } from '../objectives/logProbs';
import { sftLoss } from '../objectives/sft';
import { buildTrainingExample } from '../tokenizer/trainingExample';

export type GradcamObjective = 'sft' | 'dpo';

/** One image with its question and answers, as the MLLM sees it. */
export interface GradcamSample {
  /** Normalised pixels [3, size, size] (what `decodeImage` returns for the MLLM's preprocessing). */
  pixels: Float32Array;
  question: string;
  chosen: string;
  /** The rejected answer; DPO needs it. */
  rejected?: string;
  /** Names the sample in errors. */
  id?: string;
}

/** Summed answer-token log-probs of the chosen and rejected answers. */
export interface PairLogps {
  chosen: number;
  rejected: number;
}

export interface SampleLossOptions {
  objective: GradcamObjective;
  /** DPO's β. Default 0.1 (the paper's). */
  beta?: number;
  /**
   * DPO's reference: its log-probs of this sample, or a reference model to compute them with. Default: the
   * policy's own log-probs, detached — the policy at the start of DPO, where the loss is ln 2.
   */
  reference?: PairLogps | Mllm;
}

/** A sample's loss, ready to differentiate; `dispose` frees `tokens`. */
export interface SampleObjective {
  objective: GradcamObjective;
  /** The sample's own visual tokens [1, N, LM width]: the point where gradients are taken. */
  tokens: tf.Tensor3D;
  /** DPO's reference log-probs (null for SFT). */
  reference: PairLogps | null;
  /** The loss for given visual tokens [1, N, width]; differentiable in them. */
  lossOf(tokens: tf.Tensor3D): tf.Scalar;
  /** Summed answer-token log-probs per row (chosen; then rejected for DPO) for given visual tokens. */
  logpsOf(tokens: tf.Tensor3D): tf.Tensor1D;
  dispose(): void;
}

/** The chosen (and, for DPO, rejected) sequence of the sample, both showing image 0. */
export function sampleRows(model: Mllm, sample: GradcamSample, objective: GradcamObjective): SequenceRow[] {
  const answers = [sample.chosen];
  if (objective === 'dpo') {
    if (sample.rejected === undefined) throw new Error(`Grad-CAM: sample ${sample.id ?? '(no id)'} has no rejected answer, which the DPO loss needs`);
    answers.push(sample.rejected);
  }
  const limits = { imageTokenCount: model.imageTokenCount, maxLength: model.lm.config.max_position_embeddings };
  return answers.map((answer) => ({
    ...buildTrainingExample(model.tokenizer, { ...(sample.id !== undefined ? { id: sample.id } : {}), question: sample.question, answer }, limits),
    imageIndex: 0,
  }));
}

/** The LM's next-token targets over the layout, with `tokens` [1, N, width] as the image's embeddings. */
function nextTokenTargets(model: Mllm, layout: SpliceLayout, tokens: tf.Tensor3D): NextTokenTargets {
  return tf.tidy(() => {
    const width = model.lm.config.hidden_size;
    const text = tf.reshape(model.lm.embed(tf.tensor2d(layout.textIds, [1, layout.textIds.length], 'int32')), [-1, width]) as tf.Tensor2D;
    const embeds = spliceEmbeddings(layout, text, tf.reshape(tokens, [-1, width]) as tf.Tensor2D);
    const shape: [number, number] = [layout.batch, layout.length];
    const { logits } = model.lm.forward({ inputsEmbeds: embeds, attentionMask: tf.tensor2d(layout.attentionMask, shape) });
    return shiftForNextToken(logits, tf.tensor2d(layout.inputIds, shape, 'int32'), tf.tensor2d(layout.labelsMask, shape)) as unknown as tf.TensorContainer;
  }) as unknown as NextTokenTargets;
}

function layoutOf(model: Mllm, rows: readonly SequenceRow[]): SpliceLayout {
  return spliceLayout(rows, model.imageTokenCount, model.tokenizer.imageTokenId, model.padTokenId);
}

function logpsWith(model: Mllm, layout: SpliceLayout, tokens: tf.Tensor3D): tf.Tensor1D {
  return tf.tidy(() => {
    const t = nextTokenTargets(model, layout, tokens);
    return sequenceLogProbs(t.logits, t.labels, t.mask);
  });
}

/** Chosen and rejected log-probs of the sample under `model`, its visual tokens computed from the pixels. */
export function pairLogps(model: Mllm, sample: GradcamSample): PairLogps {
  const layout = layoutOf(model, sampleRows(model, sample, 'dpo'));
  const size = model.config.imageSize;
  const values = tf.tidy(() => {
    const tokens = model.imageTokens(tf.tensor4d(sample.pixels, [1, 3, size, size]));
    return logpsWith(model, layout, tokens);
  });
  const [chosen, rejected] = Array.from(values.dataSync());
  values.dispose();
  return { chosen: chosen as number, rejected: rejected as number };
}

/**
 * The sample's loss as a function of its visual tokens. The reference log-probs are fixed numbers, so the DPO
 * gradient is the policy's alone — as in training, where the reference is a frozen copy.
 */
export function sampleObjective(model: Mllm, sample: GradcamSample, options: SampleLossOptions): SampleObjective {
  const { objective } = options;
  const beta = options.beta ?? 0.1;
  const size = model.config.imageSize;
  if (sample.pixels.length !== 3 * size * size) {
    throw new Error(`Grad-CAM: sample ${sample.id ?? '(no id)'} has ${sample.pixels.length} pixel values, expected 3×${size}×${size}`);
  }
  const layout = layoutOf(model, sampleRows(model, sample, objective));
  const tokens = tf.tidy(() => model.imageTokens(tf.tensor4d(sample.pixels, [1, 3, size, size])));
  const logpsOf = (t: tf.Tensor3D): tf.Tensor1D => logpsWith(model, layout, t);
  let reference: PairLogps | null = null;
  if (objective === 'dpo') {
    const given = options.reference;
    if (given === undefined) {
      const own = logpsOf(tokens);
      const [chosen, rejected] = Array.from(own.dataSync());
      own.dispose();
      reference = { chosen: chosen as number, rejected: rejected as number };
    } else {
      reference = 'chosen' in given && typeof given.chosen === 'number' ? (given as PairLogps) : pairLogps(given as Mllm, sample);
    }
  }
  const ref = reference;
  const lossOf = (t: tf.Tensor3D): tf.Scalar =>
    tf.tidy(() => {
      if (ref === null) {
        const targets = nextTokenTargets(model, layout, t);
        return sftLoss(targets.logits, targets.labels, targets.mask);
      }
      const [policyChosen, policyRejected] = tf.split(logpsOf(t), 2) as [tf.Tensor1D, tf.Tensor1D];
      const out = dpoLoss({ policyChosen, policyRejected, referenceChosen: tf.tensor1d([ref.chosen]), referenceRejected: tf.tensor1d([ref.rejected]) }, beta);
      return out.loss;
    });
  return { objective, tokens, reference, lossOf, logpsOf, dispose: () => tokens.dispose() };
}
