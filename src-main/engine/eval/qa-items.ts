// A Shapes world's pairs as closed-set questions: each record (read and checked by readDataset) joined with its
// metadata line (question kind, split) and its candidate answers, the chosen answer being the truth.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { PivotError } from '../../../src-shared/errors';
import { datasetError, PAIRS_FILE, readDataset, type PairRecord } from '../data/batches/records';
import { DIFFICULTY_KNOBS } from '../data/shapes/difficulty';
import type { QuestionKind } from '../data/shapes/questions';
import { parseJsonText, readJsonFile } from '../run-folder/json-file';
import { answerCandidates, type AskedKind } from './candidates';

export const QA_SPLITS = ['test', 'train', 'all'] as const;
export type QaSplit = (typeof QA_SPLITS)[number];
const QUESTION_KINDS: readonly QuestionKind[] = ['attribute', 'count', 'relation', 'position'];

export interface QaItem {
  record: PairRecord;
  /** The pairs.jsonl line as written (model-rejections rewrites it). */
  row: Record<string, unknown>;
  kind: QuestionKind;
  asked: AskedKind;
  candidates: string[];
  /** Index of the chosen (right) answer in `candidates`. */
  truth: number;
}

export interface QaItems {
  folder: string;
  split: QaSplit;
  items: QaItem[];
  /** The most objects an image holds: the largest count candidate. */
  maxCount: number;
}

export interface QaItemOptions {
  /** Default test. Records without a split count as train, as in training. */
  split?: QaSplit;
  /** At most this many pairs, in file order. */
  limit?: number;
}

/** world.json's objects-per-image maximum, or the knob's upper bound when the folder has no world.json. */
export function worldMaxCount(folder: string): number {
  return readJsonFile(join(folder, 'world.json'), worldObjectsSchema)?.difficulty.objects.max ?? DIFFICULTY_KNOBS.objects.max;
}

/** The part of a Shapes world's world.json the questions read: how many objects an image may hold. */
const worldObjectsSchema = z.object({ difficulty: z.object({ objects: z.object({ max: z.number().int().min(1) }) }) });


/** The lines of a pairs.jsonl as written, by 1-based line number (readDataset has already checked them). */
export function pairRows(pairsPath: string): Map<number, Record<string, unknown>> {
  const rows = new Map<number, Record<string, unknown>>();
  readFileSync(pairsPath, 'utf8').replace(/^\uFEFF/, '').split('\n').forEach((line, index) => {
    if (line.trim() !== '') rows.set(index + 1, parseJsonText(line, z.record(z.string(), z.unknown()), `${pairsPath}:${index + 1}`));
  });
  return rows;
}

/** One pair as a closed-set question; throws, saying what is wrong, when it is not a Shapes-world question. */
export function questionItem(record: PairRecord, row: Record<string, unknown>, maxCount: number): QaItem {
  const kind = row.kind as QuestionKind;
  if (!QUESTION_KINDS.includes(kind)) throw new PivotError('INVALID_DATA', `field "kind" must be one of ${QUESTION_KINDS.join(', ')}, got ${JSON.stringify(row.kind)}`, { field: 'kind' });
  const { asked, candidates } = answerCandidates(kind, record.question, maxCount);
  const truth = candidates.indexOf(record.chosen);
  if (truth < 0) throw new PivotError('INVALID_DATA', `the chosen answer "${record.chosen}" is not one of the candidates ${candidates.map((c) => `"${c}"`).join(', ')}`, { field: 'chosen' });
  return { record, row, kind, asked, candidates, truth };
}

/** The world's pairs of `split` with their candidates; one error lists every line that is not a Shapes question. */
export function readQaItems(folder: string, options: QaItemOptions = {}): QaItems {
  const split = options.split ?? 'test';
  const dataset = readDataset(folder);
  const pairsPath = join(dataset.folder, PAIRS_FILE);
  const maxCount = worldMaxCount(dataset.folder);
  const rows = pairRows(pairsPath);
  const problems: string[] = [];
  const items: QaItem[] = [];
  for (const record of dataset.pairs) {
    if (split !== 'all' && (record.split ?? 'train') !== split) continue;
    if (options.limit !== undefined && items.length >= options.limit) break;
    try {
      items.push(questionItem(record, rows.get(record.line) as Record<string, unknown>, maxCount));
    } catch (err) {
      problems.push(`${pairsPath}:${record.line}: ${(err as Error).message}`);
    }
  }
  if (problems.length > 0) {
    throw datasetError(problems, 'QA accuracy needs the question forms and metadata of a Shapes world (pivot data shapes); fix or remove these lines.');
  }
  if (items.length === 0) {
    throw new PivotError('INVALID_REQUEST', `${pairsPath} has no pairs of the ${split} split; choose another split (test, train or all).`);
  }
  return { folder: dataset.folder, split, items, maxCount };
}
