// Turns a dataset file into validated preference records, one outcome per record: importable, or rejected with a
// reason the user can act on. Only a file that cannot be read at all fails as a whole.
import { dirname } from 'node:path';
import { realpath } from 'node:fs/promises';
import { IMPORT_FORMATS, type ImportFormat, type RejectedRecord } from '../../../src-shared/domain/import-report';
import type { Split } from '../../../src-shared/domain/pairs';
import { PivotError } from '../../../src-shared/errors';
import { detectFormat } from './detect';
import { type Draft, type JsonObject, type Origin, RecordProblem, isObject, kindOf, recordId } from '../../engine/data/formats/fields';
import { ImageLoader, type ImportedImage } from './image';
import { parseLlavaRlhf } from './llava-rlhf';
import { type RawRecord, type RecordSource, readRecords } from './read-records';
import { parseRlaifV } from './rlaif-v';
import { parseTrl } from '../../engine/data/formats/trl';

export type { ImportedImage } from './image';
export { detectFormat } from './detect';

export interface ValidRecord {
  location: { line?: number; index?: number; id?: string };
  image: ImportedImage;
  question: string;
  chosen: string;
  rejected: string;
  /** Provenance kept as source metadata: the record's scalar fields that are not the pair itself. */
  origin: Origin;
  /** Set when the record has `split: "train" | "test"`. */
  split?: Split;
}

export type ParsedItem = { ok: true; record: ValidRecord } | { ok: false; rejected: RejectedRecord };

export interface ParsedDataset {
  format: ImportFormat;
  /** One item per record, in file order; images are read and decoded as the items are pulled. */
  items: AsyncIterable<ParsedItem>;
  /** Records to process (the number of items), for a progress bar. */
  total: number;
  /** Blank lines passed over (JSONL layout, not records). */
  blankLines: number;
}

const PARSERS: Record<ImportFormat, (record: JsonObject) => Draft> = {
  trl: parseTrl,
  'rlaif-v': parseRlaifV,
  'llava-rlhf': parseLlavaRlhf,
};

/** Records whose images are read and decoded at once, ahead of the consumer, while it handles earlier ones. */
const LOOKAHEAD = 16;

const FORMAT_HINT = `pass --format ${IMPORT_FORMATS.join('|')}`;

export async function readDataset(file: string, format?: ImportFormat): Promise<ParsedDataset> {
  if (format !== undefined && !IMPORT_FORMATS.includes(format)) {
    throw new PivotError('INVALID_REQUEST', `Unknown dataset format "${String(format)}"; ${FORMAT_HINT}.`);
  }
  const source = await readRecords(file);
  const chosenFormat = format ?? (await detect(file, source));
  const parse = PARSERS[chosenFormat];

  let folder: string;
  try {
    folder = await realpath(dirname(file));
  } catch (err) {
    throw new PivotError('FILE_UNREADABLE', `Cannot resolve the folder of dataset file "${file}": ${String(err)}.`);
  }

  return {
    format: chosenFormat,
    total: source.total,
    blankLines: source.blankLines,
    items: {
      [Symbol.asyncIterator]: () => {
        // A fresh loader per pass, so a second pass sees files changed since the first.
        const loader = new ImageLoader(folder);
        return ordered(source.records(), (raw) => toItem(raw, parse, loader), LOOKAHEAD);
      },
    },
  };
}

async function detect(file: string, source: RecordSource): Promise<ImportFormat> {
  for await (const raw of source.records()) {
    if (!('value' in raw) || !isObject(raw.value)) continue;
    const format = detectFormat(raw.value);
    if (format) return format;
  }
  throw new PivotError(
    'FILE_UNREADABLE',
    `Cannot tell the format of dataset file "${file}" from its records; ${FORMAT_HINT}.`,
  );
}

async function toItem(raw: RawRecord, parse: (record: JsonObject) => Draft, loader: ImageLoader): Promise<ParsedItem> {
  if ('error' in raw) return reject(raw.location, raw.error);
  const value = raw.value;
  if (!isObject(value)) return reject(raw.location, `record must be a JSON object, got ${kindOf(value)}`);

  const id = recordId(value);
  const location = id === undefined ? { ...raw.location } : { ...raw.location, id };
  let draft: Draft;
  try {
    draft = parse(value);
  } catch (err) {
    if (err instanceof RecordProblem) return reject(location, err.message);
    throw err;
  }
  if (draft.chosen === draft.rejected) return reject(location, 'chosen and rejected are identical');

  const loaded = await loader.load(draft.imagePath);
  if (!loaded.ok) return reject(location, loaded.reason);

  const record: ValidRecord = {
    location,
    image: loaded.image,
    question: draft.question,
    chosen: draft.chosen,
    rejected: draft.rejected,
    origin: draft.origin,
  };
  if (draft.split) record.split = draft.split;
  return { ok: true, record };
}

function reject(location: Omit<RejectedRecord, 'reason'>, reason: string): ParsedItem {
  return { ok: false, rejected: { ...location, reason } };
}

/**
 * Maps `source` through `work` with up to `width` calls in flight, yielding results in source order. Image decoding
 * runs on libuv's thread pool, so keeping several records in flight uses the cores while the consumer waits on one.
 */
async function* ordered<T, R>(source: AsyncIterable<T>, work: (item: T) => Promise<R>, width: number): AsyncGenerator<R> {
  const iterator = source[Symbol.asyncIterator]();
  const inFlight: Promise<R>[] = [];
  let exhausted = false;
  const fill = async (): Promise<void> => {
    while (!exhausted && inFlight.length < width) {
      const next = await iterator.next();
      if (next.done) {
        exhausted = true;
        return;
      }
      const pending = work(next.value);
      // Results not awaited yet (the consumer may stop early) must not surface as unhandled rejections.
      pending.catch(() => undefined);
      inFlight.push(pending);
    }
  };
  try {
    await fill();
    while (inFlight.length > 0) {
      const result = await inFlight.shift()!;
      await fill();
      yield result;
    }
  } finally {
    // A consumer that stops early closes the source (and with it the dataset file).
    if (!exhausted) await iterator.return?.();
  }
}
