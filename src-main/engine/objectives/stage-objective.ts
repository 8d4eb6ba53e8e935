// What each kind of stage gives the training loop: the records it learns from and the items it makes of them
// (examples), what it prepares when a stage starts (preparation), its loss on one micro-batch and the metrics it adds
// to each step. The loop and the data code hold no branch on the stage's kind: objectives/index.ts lists them.
import type * as tf from '../backend/tf';
import type { DatasetRecords, ImageCache, ImageRecord, SequenceLimits, StageItem, StepPlan } from '../data/batches';
import type { TensorToWrite } from '../io/safetensors';
import type { Mllm, MllmBatch } from '../models/mllm/model';
import type { TextTokenizer } from '../tokenizer/textTokenizer';
import type { StageKind } from './kinds';

/** What a stage's objective is told when the stage starts. */
export interface ObjectiveContext {
  runDir: string;
  stage: { name: string; lr: number; beta: number };
  model: Mllm;
  items: readonly StageItem[];
  images: ImageCache;
  plan: StepPlan;
  /** Seeds the stage's shuffling (and an objective's own initialisation). */
  seed: number;
  /** The checkpoint the stage started from (relative to runDir), or null for a freshly initialised model. */
  startCheckpoint: string | null;
  /** The stage's own checkpoint it continues from (relative to runDir), or null when it starts afresh. */
  resumeCheckpoint: string | null;
  info: (message: string) => void;
}

/** An optimizer group: weights trained at one learning rate, by stable name. */
export interface ObjectiveGroup {
  name: string;
  lr: number;
  variables: [string, tf.Variable][];
}

/** A stage's objective once prepared. */
export interface PreparedObjective {
  /** The loss of one micro-batch: its items, and their `indices` in the stage's items; called inside the gradient closure. */
  loss(batch: MllmBatch, items: readonly StageItem[], indices: readonly number[]): tf.Scalar;
  /** Metrics of the step just taken beside its loss, learning rate and gradient norm; starts the next step afresh. */
  stepMetrics(): Record<string, number>;
  /** Weights it trains beside the MLLM's (a labels stage's head). */
  groups: ObjectiveGroup[];
  /** Its own files in a training checkpoint (file name → tensors). */
  checkpointFiles(): Promise<Record<string, Record<string, TensorToWrite>>>;
  dispose(): void;
}

export interface StageObjective<K extends StageKind = StageKind> {
  kind: K;
  /** How its records are named when a stage has none ("pairs (pairs.jsonl)"). */
  recordsName: string;
  /** Whether it reads captions (a dataset without them gets captions made from its pairs). */
  readsCaptions: boolean;
  /** The records a stage of this kind learns from (`stage` names it in errors). */
  records(dataset: DatasetRecords, stage: string): ImageRecord[];
  /** What to do when a stage finds none of them, beyond widening its subset. */
  missingRecordsHint?(dataset: DatasetRecords): string | undefined;
  /** The stage's items made of its records; every record is checked, and all problems thrown as one error. */
  examples(records: readonly ImageRecord[], tokenizer: TextTokenizer, limits: SequenceLimits): StageItem[];
  prepare(context: ObjectiveContext): Promise<PreparedObjective>;
  /** Present for a post-training objective (a recipe's branch, which a run folder may hold beside the other one). */
  postTraining?: {
    /** What an exported encoder's model card says the branch trained with; `stage` holds its values as the card prints them. */
    modelCardText(stage: { beta: string }): string;
  };
}

/** The prepared form of an objective with nothing to prepare, no metrics and no weights of its own. */
export function plainObjective(loss: PreparedObjective['loss']): PreparedObjective {
  return { loss, stepMetrics: () => ({}), groups: [], checkpointFiles: async () => ({}), dispose: () => {} };
}
