// The Grad-CAM focus score over a Shapes world: each pair's map against the union of the instances its question is
// about (`target_instances` in pairs.jsonl, pixels of `instances/<image_id>.png`), as mean ± std with the chance level.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { PivotError } from '../../../src-shared/errors';
import { readDataset, type PairRecord } from '../data/batches/records';
import { decodeImage } from '../data/batches/images';
import type { Mllm } from '../models/mllm/model';
import { readMaskPng, type ClassMask } from '../probes/mask-png';
import { parseJsonText } from '../run-folder/json-file';
import { focusSummary, type FocusSummary } from './focus';
import { gradcamForSample, type GradcamMethod, type GradcamOptions } from './gradcam';
import type { GradcamObjective } from './gradcam-loss';

export type GradcamSplit = 'test' | 'train' | 'all';

export interface GradcamFocusOptions extends Omit<GradcamOptions, 'reference'> {
  /** DPO's reference model; default each sample's own policy log-probs, detached (see SampleLossOptions). */
  reference?: Mllm;
  /** At most this many pairs (file order). Default 32. */
  samples?: number;
  /** Which records: the held-out test split by default, or every record when the world has no test pairs. */
  split?: GradcamSplit;
  /** Called after each sample (for progress bars). */
  onSample?: (done: number, total: number) => void;
}

/** A Shapes pair the focus score can use: its record and the instances its question is about. */
export interface ShapesTarget {
  record: PairRecord;
  imageId: string;
  targets: number[];
}

export interface GradcamFocusSample {
  id: string;
  image: string;
  question: string;
  /** Share of the map's mass on the target instances; null when the map is empty (zero gradient). */
  score: number | null;
  /** The targets' share of the image: the score of a uniform map. */
  maskFraction: number;
  loss: number;
  map: Float32Array;
  /** The union of the target instances, at the image's resolution (1 = object). */
  mask: ClassMask;
}

export interface GradcamFocusResult extends FocusSummary {
  method: GradcamMethod;
  objective: GradcamObjective;
  split: GradcamSplit;
  gridH: number;
  gridW: number;
  samples: GradcamFocusSample[];
}

/** Pairs of the world whose question names at least one instance (count questions about absent things name none). */
export function shapesTargets(folder: string, split: GradcamSplit | undefined): { split: GradcamSplit; targets: ShapesTarget[] } {
  const dataset = readDataset(folder);
  const extra = new Map<string, { imageId: string; targets: number[] }>();
  const pairsPath = join(dataset.folder, 'pairs.jsonl');
  readFileSync(pairsPath, 'utf8').split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const row = parseJsonText(line, z.record(z.string(), z.unknown()), `${pairsPath}:${index + 1}`);
    const key = typeof row.id === 'string' || typeof row.id === 'number' ? String(row.id) : `pairs.jsonl:${index + 1}`;
    const targets = Array.isArray(row.target_instances) ? row.target_instances.filter((t): t is number => Number.isInteger(t) && t > 0) : [];
    if (typeof row.image_id === 'string' && targets.length > 0) extra.set(key, { imageId: row.image_id, targets });
  });
  if (extra.size === 0) {
    throw new PivotError('INVALID_DATA', `${pairsPath}: no pair has "image_id" and "target_instances"; the focus score needs a Shapes world (pivot data shapes)`, { file: pairsPath });
  }
  const usable = dataset.pairs.flatMap((record) => {
    const e = extra.get(record.key);
    return e ? [{ record, ...e }] : [];
  });
  const chosenSplit: GradcamSplit = split ?? (usable.some((t) => t.record.split === 'test') ? 'test' : 'all');
  const targets = chosenSplit === 'all' ? usable : usable.filter((t) => (t.record.split ?? 'train') === chosenSplit);
  if (targets.length === 0) throw new PivotError('INVALID_DATA', `${pairsPath}: no pair of the ${chosenSplit} split names target instances`, { file: pairsPath });
  return { split: chosenSplit, targets };
}

/** The union of `ids` in the world's instance map of `imageId` (grey PNG, pixel value = instance id). */
export async function targetMask(folder: string, imageId: string, ids: readonly number[]): Promise<ClassMask> {
  const path = join(folder, 'instances', `${imageId}.png`);
  if (!existsSync(path)) throw new PivotError('FILE_UNREADABLE', `${path} is missing: the focus score reads each image's instance map from instances/<image_id>.png`);
  const instances = await readMaskPng(path);
  const wanted = new Set(ids);
  const data = new Uint8Array(instances.data.length);
  instances.data.forEach((v, i) => (data[i] = wanted.has(v) ? 1 : 0));
  return { width: instances.width, height: instances.height, data };
}

/** Grad-CAM of up to `samples` pairs of the world and their focus scores, one backward pass each. */
export async function gradcamFocus(model: Mllm, folder: string, options: GradcamFocusOptions): Promise<GradcamFocusResult> {
  const { split, targets } = shapesTargets(folder, options.split);
  const picked = targets.slice(0, options.samples ?? 32);
  const prep = model.config.imageProcessor;
  const side = model.encoder.config.patchesPerSide;
  const samples: GradcamFocusSample[] = [];
  for (const { record, imageId, targets: ids } of picked) {
    const pixels = await decodeImage(record.image, prep);
    const result = gradcamForSample(model, { pixels, question: record.question, chosen: record.chosen, rejected: record.rejected, id: record.key }, options);
    const mask = await targetMask(folder, imageId, ids);
    samples.push({ id: record.key, image: record.image, question: record.question, score: null, maskFraction: 0, loss: result.loss, map: result.map, mask });
    options.onSample?.(samples.length, picked.length);
  }
  const summary = focusSummary(samples.map((s) => ({ map: s.map, gridH: side, gridW: side, mask: s.mask.data, width: s.mask.width, height: s.mask.height })));
  samples.forEach((s, i) => {
    s.score = summary.perSample[i] ?? null;
    s.maskFraction = s.mask.data.reduce((n, v) => n + (v !== 0 ? 1 : 0), 0) / s.mask.data.length;
  });
  return { ...summary, method: options.method, objective: options.objective, split, gridH: side, gridW: side, samples };
}
