// DPO's reference log-probs, computed once per pair before the stage's first update — when the policy still is
// the reference, so no frozen copy of the model is kept — and cached in memory and in `ref_logps.json`, so a
// resumed run never recomputes them (TRL #2423: users precompute them for the same reason).
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { PivotError } from '../../../src-shared/errors';
import * as tf from '../backend/tf';
import { collate, stepMicroBatches, type StageItem, type StepPlan } from '../data/batches';
import type { ImageCache } from '../data/batches/images';
import { loadMllm } from '../models/mllm/checkpoint';
import type { Mllm } from '../models/mllm/model';
import { REF_LOGPS_FILE, readReferenceLogpsFile, writeReferenceLogpsFile, type ReferenceLogpsFile } from '../run-folder/reference-logps';
import { sequenceLogpsOf } from './logProbs';
import type { ObjectiveContext } from './stage-objective';

/** Summed answer-token log-probs of every item under the reference, in item order. */
export interface ReferenceLogps {
  chosen: Float32Array;
  rejected: Float32Array;
}

/**
 * What the cache is valid for: the stage, the checkpoint it started from, the items in order, and what the items
 * say (a hash of their token ids), so pairs edited or re-answered under the same ids are scored again.
 */
export interface ReferenceKey {
  stage: string;
  startCheckpoint: string;
  keys: readonly string[];
  content: string;
}

/** SHA-256 over every item's sequences' token ids, in order. */
export function itemsContentHash(items: readonly StageItem[]): string {
  const hash = createHash('sha256');
  for (const item of items) {
    for (const sequence of item.sequences) hash.update(Int32Array.from(sequence.inputIds)).update('|');
    hash.update('\n');
  }
  return hash.digest('hex');
}

/**
 * The cached log-probs when `runDir/ref_logps.json` was written for exactly this stage, start and items. A cache
 * that does not read back (edited, or from another version) is computed again rather than trusted.
 */
export function readReferenceCache(runDir: string, key: ReferenceKey): ReferenceLogps | null {
  let cache: ReferenceLogpsFile | null;
  try {
    cache = readReferenceLogpsFile(runDir);
  } catch (err) {
    if (err instanceof PivotError && err.code === 'INVALID_DATA') return null;
    throw err;
  }
  if (!cache) return null;
  const same = cache.stage === key.stage && cache.startCheckpoint === key.startCheckpoint && cache.content === key.content && cache.keys.length === key.keys.length && cache.keys.every((k, i) => k === key.keys[i]);
  return same ? { chosen: Float32Array.from(cache.chosen), rejected: Float32Array.from(cache.rejected) } : null;
}

/** Writes the cache atomically; float32 values survive the JSON round trip exactly. */
export async function writeReferenceCache(runDir: string, key: ReferenceKey, logps: ReferenceLogps): Promise<void> {
  await writeReferenceLogpsFile(runDir, { ...key, keys: [...key.keys], chosen: Array.from(logps.chosen), rejected: Array.from(logps.rejected) });
}

/**
 * One forward pass per micro-batch of the first epoch, in the first epoch's order and grouping: the first
 * update's policy forward then repeats the reference's exactly, so the first loss is ln 2 to the bit.
 */
export function computeReferenceLogps(model: Mllm, items: readonly StageItem[], plan: StepPlan, seed: number, images: ImageCache): ReferenceLogps {
  const chosen = new Float32Array(items.length);
  const rejected = new Float32Array(items.length);
  for (let step = 0; step < plan.stepsPerEpoch; step++) {
    for (const indices of stepMicroBatches(plan, seed, step).microBatches) {
      const batch = collate(indices.map((i) => items[i] as StageItem), images);
      const logps = tf.tidy(() => sequenceLogpsOf(model, batch));
      const values = logps.dataSync();
      tf.dispose([logps, batch.pixels as tf.Tensor]);
      indices.forEach((item, k) => {
        chosen[item] = values[k] as number;
        rejected[item] = values[indices.length + k] as number;
      });
    }
  }
  return { chosen, rejected };
}

/** The stage's reference log-probs: from the cache, or computed from the stage's starting weights and cached. */
export async function referenceLogpsFor(context: ObjectiveContext): Promise<ReferenceLogps> {
  const { runDir, stage, items, images, seed, plan, info } = context;
  const key = { stage: stage.name, startCheckpoint: context.startCheckpoint ?? 'initialisation', keys: items.map((item) => item.key), content: itemsContentHash(items) };
  const cached = readReferenceCache(runDir, key);
  if (cached) {
    info(`Stage ${stage.name}: reference log-probs of ${items.length} pairs read from the cache.`);
    return cached;
  }
  let model = context.model;
  if (context.resumeCheckpoint !== null) {
    // The policy has moved since the stage began; the reference is the model the stage started from.
    if (context.startCheckpoint === null) {
      throw new PivotError('CHECKPOINT_INCOMPATIBLE', `Stage "${stage.name}": ref_logps.json is missing and the stage started from a fresh model that no checkpoint holds; start the run in a new folder.`, {
        file: join(runDir, REF_LOGPS_FILE),
      });
    }
    model = await loadMllm(join(runDir, context.startCheckpoint));
  }
  try {
    const logps = computeReferenceLogps(model, items, plan, seed, images);
    await writeReferenceCache(runDir, key, logps);
    info(`Stage ${stage.name}: reference log-probs of ${items.length} pairs computed once and cached.`);
    return logps;
  } finally {
    if (model !== context.model) model.dispose();
  }
}
