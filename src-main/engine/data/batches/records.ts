// Reads a training dataset folder: TRL preference pairs (`pairs.jsonl`) and, when present, captions
// (`captions.jsonl`), every record checked — image file included — before any training starts.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PivotError } from '../../../../src-shared/errors';
import type { Split } from '../../../../src-shared/domain/pairs';
import { RecordProblem, isObject, kindOf, splitOf } from '../formats/fields';
import { parseTrl } from '../formats/trl';

export const PAIRS_FILE = 'pairs.jsonl';
export const CAPTIONS_FILE = 'captions.jsonl';
const MAX_LISTED = 10;

/** Where a record sits, for error messages: the file and its 1-based line. */
export interface RecordLocation {
  file: string;
  line: number;
}

/** One preference pair: an image, a question, a chosen and a rejected answer. */
export interface PairRecord extends RecordLocation {
  /** The record's `id`, or `pairs.jsonl:<line>`. */
  key: string;
  /** Absolute path of the image. */
  image: string;
  question: string;
  chosen: string;
  rejected: string;
  split?: Split;
}

/** One captioned image (the alignment stage's data). */
export interface CaptionRecord extends RecordLocation {
  key: string;
  image: string;
  caption: string;
  split?: Split;
}

export interface DatasetRecords {
  folder: string;
  pairs: PairRecord[];
  /** Empty when the folder has no captions.jsonl. */
  captions: CaptionRecord[];
}

/** `file:line: reason` for each problem, at most MAX_LISTED of them, then what to do; one error for all. */
export function datasetError(problems: string[], advice: string, more: Record<string, unknown> = {}): PivotError {
  const listed = problems.slice(0, MAX_LISTED);
  if (problems.length > listed.length) listed.push(`… and ${problems.length - listed.length} more`);
  return new PivotError('FILE_UNREADABLE', `${listed.join('\n')}\n${advice}`, { problems, ...more });
}

/** Reads and checks both files; throws one error listing every bad line (up to ten) with what to do. */
export function readDataset(folder: string): DatasetRecords {
  const root = resolve(folder);
  const pairsPath = join(root, PAIRS_FILE);
  if (!existsSync(pairsPath)) {
    throw new PivotError(
      'FILE_UNREADABLE',
      `${root} has no ${PAIRS_FILE}. Point to a dataset folder with TRL preference pairs (pivot data shapes --out <dir> makes one).`,
    );
  }
  const problems: string[] = [];
  const pairs = readJsonl(pairsPath, problems, (record, at) => {
    const draft = parseTrl(record);
    const pair: PairRecord = {
      ...at,
      key: typeof record.id === 'string' || typeof record.id === 'number' ? String(record.id) : `${PAIRS_FILE}:${at.line}`,
      image: imagePath(root, draft.imagePath),
      question: draft.question,
      chosen: draft.chosen,
      rejected: draft.rejected,
    };
    return draft.split ? { ...pair, split: draft.split } : pair;
  });
  const captionsPath = join(root, CAPTIONS_FILE);
  const captions = !existsSync(captionsPath)
    ? []
    : readJsonl(captionsPath, problems, (record, at) => {
        if (typeof record.image !== 'string' || record.image.trim() === '') {
          throw new RecordProblem(`field "image" must be an image path, got ${kindOf(record.image)}`);
        }
        if (typeof record.caption !== 'string' || record.caption.trim() === '') {
          throw new RecordProblem(`field "caption" must be a non-empty string, got ${kindOf(record.caption)}`);
        }
        const split = splitOf(record);
        const caption: CaptionRecord = { ...at, key: `${CAPTIONS_FILE}:${at.line}`, image: imagePath(root, record.image), caption: record.caption.trim() };
        return split ? { ...caption, split } : caption;
      });
  if (problems.length > 0) throw datasetError(problems, 'Fix or remove these lines, then start the run again.');
  return { folder: root, pairs, captions };
}

function imagePath(root: string, relative: string): string {
  const path = resolve(root, relative);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new RecordProblem(`image "${relative}" does not exist (looked for ${path}); put the image there or remove the line`);
  }
  return path;
}

/** Parses each non-blank line; a bad line adds `file:line: reason` to `problems` and is skipped. */
function readJsonl<T>(path: string, problems: string[], parse: (record: Record<string, unknown>, at: RecordLocation) => T): T[] {
  const out: T[] = [];
  const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  text.split('\n').forEach((raw, index) => {
    if (raw.trim() === '') return;
    const at = { file: path, line: index + 1 };
    try {
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch (err) {
        throw new RecordProblem(`not valid JSON (${(err as Error).message})`);
      }
      if (!isObject(value)) throw new RecordProblem(`expected a JSON object, got ${kindOf(value)}`);
      out.push(parse(value, at));
    } catch (err) {
      if (!(err instanceof RecordProblem)) throw err;
      problems.push(`${path}:${at.line}: ${err.message}`);
    }
  });
  return out;
}

/**
 * Captions made from the pairs (question and chosen answer) for a folder without captions.jsonl — pairs exported
 * from a workspace — so the projector-alignment stage still has image–text data to align on.
 */
export function captionsFromPairs(dataset: DatasetRecords): DatasetRecords {
  const captions = dataset.pairs.map((p): CaptionRecord => ({
    file: p.file,
    line: p.line,
    key: `${p.key}:caption`,
    image: p.image,
    caption: `${p.question} ${p.chosen}`,
    ...(p.split ? { split: p.split } : {}),
  }));
  return { ...dataset, captions };
}
