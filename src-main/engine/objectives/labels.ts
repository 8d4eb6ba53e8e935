// The encoder-pretraining objective (`labels` stages): multi-label classification of which colour-shape classes an
// image shows, through a head of the stage's own, binary cross-entropy on logits (PyTorch's BCEWithLogitsLoss, mean
// over images and classes). The labels are a Shapes world's (data/shapes/labels.ts).
import { join } from 'node:path';
import * as tf from '../backend/tf';
import { LABEL_CLASS_COUNT, readLabelRecords, type LabelRecord } from '../data/shapes/labels';
import type { Mllm } from '../models/mllm/model';
import { LABEL_HEAD_FILE, LabelHead } from './label-head';
import type { StageObjective } from './stage-objective';

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

/** BCE of which classes each image shows: the batch's images through the encoder and `head`. */
export function labelLossOf(model: Mllm, head: LabelHead, pixels: tf.Tensor4D, labels: readonly (readonly number[])[]): tf.Scalar {
  return tf.tidy(() => {
    const logits = head.logits(model, pixels);
    return multiLabelBce(logits, multiHotTargets(labels, logits.shape[1]));
  });
}

export const labelsObjective: StageObjective<'labels'> = {
  kind: 'labels',
  recordsName: 'labelled images (metadata.jsonl)',
  readsCaptions: false,
  records: (dataset, stage) => readLabelRecords(dataset.folder, stage),
  // No sequences: the image and the classes it shows.
  examples: (records) =>
    records.map((r) => {
      if (!('labels' in r)) throw new Error(`labels stage: a record without labels (${r.file}:${r.line})`);
      return { key: r.key, image: r.image, source: `${r.file}:${r.line}`, sequences: [], labels: (r as LabelRecord).labels };
    }),
  prepare: async ({ model, runDir, stage, seed, resumeCheckpoint }) => {
    // The head its own checkpoint saved when resuming, else a fresh one seeded by the stage.
    const width = model.encoder.config.hidden_size;
    const head = resumeCheckpoint ? LabelHead.load(join(runDir, resumeCheckpoint), width, LABEL_CLASS_COUNT) : LabelHead.create(width, LABEL_CLASS_COUNT, seed);
    return {
      loss: (batch, items) => labelLossOf(model, head, batch.pixels as tf.Tensor4D, items.map((item) => item.labels ?? [])),
      stepMetrics: () => ({}),
      // The head learns at the stage's lr, the encoder at its encoderLr.
      groups: [{ name: 'label_head', lr: stage.lr, variables: head.namedVariables }],
      checkpointFiles: async () => ({ [LABEL_HEAD_FILE]: await head.tensors() }),
      dispose: () => head.dispose(),
    };
  },
};
