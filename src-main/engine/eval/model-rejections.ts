// Preference pairs whose rejected answer is one the model actually gives (TOY_STUDY.md, MMPR): where the model is
// wrong, its own answer; where it is right, its runner-up. Written as a dataset folder in the Shapes world's format
// (pairs.jsonl in TRL conversational form, the world's images, captions and tokenizer beside it), so
// `pivot data import` and a recipe's `data.folder` take it as they take the world.
import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { PivotError } from '../../../src-shared/errors';
import { writeFileAtomic } from '../io/atomic-write';
import type { Mllm } from '../models/mllm/model';
import { readJsonFile } from '../run-folder/json-file';
import { readQaItems, type QaItem, type QaItemOptions, type QaSplit } from './qa-items';
import { rankCandidates } from './qa-accuracy';
import { scoreCandidates, type ScoreOptions } from './score';

export const MODEL_ANSWER_REASON = 'model-answer';
/** The world's files that stay valid for the new pairs (same images, captions, masks, vocabulary). */
const COPIED_FOLDERS = ['images', 'masks', 'instances'];
const COPIED_FILES = ['captions.jsonl', 'metadata.jsonl', 'classes.json', 'tokenizer.json', 'tokenizer_config.json'];

export interface ModelRejection {
  /** The model's answer (its top candidate). */
  answer: string;
  /** The pair's new rejected answer: the model's answer when wrong, else its most likely wrong candidate. */
  rejected: string;
  wrong: boolean;
}

/** The rejected answer the model gives for one question, from its candidate scores. */
export function modelRejection(item: Pick<QaItem, 'candidates' | 'truth'>, scores: readonly number[]): ModelRejection {
  const { answer, bestWrong } = rankCandidates(scores, item.truth);
  return { answer: item.candidates[answer] as string, rejected: item.candidates[bestWrong] as string, wrong: answer !== item.truth };
}

export interface ModelRejectionsOptions extends QaItemOptions, ScoreOptions {
  /** Recorded in world.json as where the answers came from. */
  checkpoint?: string;
}

export interface ModelRejectionsSummary {
  out: string;
  split: QaSplit;
  pairs: number;
  /** Pairs where the model's answer was wrong (its answer became the rejected one). */
  wrong: number;
  /** Pairs where it was right (its runner-up became the rejected one). */
  right: number;
  files: string[];
}

/** The pairs.jsonl line with the model's rejected answer and why. */
export function rewrittenRow(item: QaItem, r: ModelRejection): Record<string, unknown> {
  return {
    ...item.row,
    rejected: [{ role: 'assistant', content: [{ type: 'text', text: r.rejected }] }],
    reason: MODEL_ANSWER_REASON,
    model_wrong: r.wrong,
    model_answer: r.answer,
  };
}

/** Scores the world's pairs of `split` (default train) with `model` and writes the new dataset folder `out`. */
export async function writeModelRejections(model: Mllm, folder: string, out: string, options: ModelRejectionsOptions = {}): Promise<ModelRejectionsSummary> {
  const qa = readQaItems(folder, { ...options, split: options.split ?? 'train' });
  const target = resolve(out);
  if (target === qa.folder) throw new PivotError('INVALID_REQUEST', `--out ${target} is the world folder itself; write the new pairs to another folder`);
  const scores = await scoreCandidates(model, qa.items, options);
  const rejections = qa.items.map((item, i) => modelRejection(item, scores[i] as number[]));

  await mkdir(target, { recursive: true });
  const files: string[] = [];
  for (const name of COPIED_FOLDERS) {
    if (!existsSync(join(qa.folder, name))) continue;
    await cp(join(qa.folder, name), join(target, name), { recursive: true });
    files.push(`${name}/`);
  }
  for (const name of COPIED_FILES) {
    if (!existsSync(join(qa.folder, name))) continue;
    await copyFile(join(qa.folder, name), join(target, name));
    files.push(name);
  }
  const wrong = rejections.filter((r) => r.wrong).length;
  const world = readJsonFile(join(qa.folder, 'world.json'), z.record(z.string(), z.unknown()));
  if (world) {
    const rejected = { reason: MODEL_ANSWER_REASON, from: qa.folder, checkpoint: options.checkpoint ?? null, split: qa.split, wrong, right: rejections.length - wrong };
    await writeFileAtomic(join(target, 'world.json'), `${JSON.stringify({ ...world, pairs: rejections.length, rejections: rejected }, null, 2)}\n`);
    files.push('world.json');
  }
  const lines = qa.items.map((item, i) => `${JSON.stringify(rewrittenRow(item, rejections[i] as ModelRejection))}\n`);
  await writeFileAtomic(join(target, 'pairs.jsonl'), lines.join(''));
  files.push('pairs.jsonl');
  return { out: target, split: qa.split, pairs: rejections.length, wrong, right: rejections.length - wrong, files };
}
