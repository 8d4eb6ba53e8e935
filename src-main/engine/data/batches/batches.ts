// How a stage walks its items: a seeded shuffle per epoch, optimisation steps of `batchSize × gradAccum`
// items split into micro-batches, and collation into the tensors the MLLM takes (DPO: chosen rows, then
// rejected rows, sharing each image: one forward batch of 2B rows).
import * as tf from '../../backend/tf';
import type { MllmBatch } from '../../models/mllm/model';
import type { SequenceRow } from '../../models/mllm/splice';
import { hashWords, Rng, seedWords } from '../../random';
import type { StageItem } from './examples';
import type { ImageCache } from './images';

/** The step arithmetic of a stage. */
export interface StepPlan {
  items: number;
  batchSize: number;
  gradAccum: number;
  /** Optimisation steps per pass over the items (the last may be short). */
  stepsPerEpoch: number;
  totalSteps: number;
}

/** Steps for `epochs` passes, or exactly `maxSteps` (cycling through epochs) when given. */
export function planSteps(items: number, batchSize: number, gradAccum: number, epochs: number, maxSteps?: number): StepPlan {
  if (items === 0) throw new Error('planSteps: the stage has no items to train on');
  const stepsPerEpoch = Math.ceil(items / (batchSize * gradAccum));
  return { items, batchSize, gradAccum, stepsPerEpoch, totalSteps: maxSteps ?? Math.max(1, Math.round(epochs * stepsPerEpoch)) };
}

/** The item order of one epoch: a permutation fixed by (seed, epoch), the same on every machine. */
export function epochOrder(items: number, seed: number, epoch: number): number[] {
  const rng = new Rng(hashWords([...seedWords(seed), epoch >>> 0]));
  return rng.shuffle(Array.from({ length: items }, (_, i) => i));
}

/** The micro-batches (item indices) of optimisation step `step` (0-based), and the epoch it belongs to. */
export function stepMicroBatches(plan: StepPlan, seed: number, step: number): { epoch: number; microBatches: number[][] } {
  const epoch = Math.floor(step / plan.stepsPerEpoch);
  const order = epochOrder(plan.items, seed, epoch);
  const perStep = plan.batchSize * plan.gradAccum;
  const start = (step % plan.stepsPerEpoch) * perStep;
  const taken = order.slice(start, start + perStep);
  const microBatches: number[][] = [];
  for (let i = 0; i < taken.length; i += plan.batchSize) microBatches.push(taken.slice(i, i + plan.batchSize));
  return { epoch, microBatches };
}

/**
 * The MLLM batch of `items`: one image per item, then the items' first sequences as rows, then (DPO) their
 * second sequences, each row pointing at its item's image. The caller disposes `pixels`.
 */
export function collate(items: readonly StageItem[], images: ImageCache): MllmBatch {
  const plane = 3 * images.side * images.side;
  const pixels = new Float32Array(items.length * plane);
  items.forEach((item, i) => pixels.set(images.pixels(item.image), i * plane));
  const sequencesPerItem = items[0]?.sequences.length ?? 1;
  const rows: SequenceRow[] = [];
  for (let s = 0; s < sequencesPerItem; s++) {
    items.forEach((item, imageIndex) => {
      const sequence = item.sequences[s];
      if (!sequence) throw new Error(`collate: item ${item.key} has ${item.sequences.length} sequences, expected ${sequencesPerItem}`);
      rows.push({ ...sequence, imageIndex });
    });
  }
  return { pixels: tf.tensor4d(pixels, [items.length, 3, images.side, images.side]), rows };
}
