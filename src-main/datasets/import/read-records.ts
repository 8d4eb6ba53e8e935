// Reads a dataset file as raw JSON records with their location: JSONL (records located by line), streamed line by
// line so a file of any size is read in bounded memory, or a JSON array (records located by index), read whole up to a
// size limit. Text is taken exactly as written: a record whose bytes are not UTF-8, whose strings hold a lone
// surrogate or whose numbers overflow is refused with the reason, not stored changed. Fails as a whole only when
// nothing in the file can be read as records at all.
import { PivotError } from '../../../src-shared/errors';
import { inexactValue, whereReplaced } from './exact-json';
import { fileLines, isBlank } from './lines';
import { NotRegularFile, megabytes, readRegularFile, openRegularFile } from './regular-file';

export interface RawLocation {
  /** 1-based line in a JSONL file. */
  line?: number;
  /** 0-based position in a JSON array. */
  index?: number;
}

/** One record as read, before any format-specific check: a JSON value, or why its line is not JSON. */
export type RawRecord = { location: RawLocation; value: unknown } | { location: RawLocation; error: string };

export interface RecordSource {
  container: 'json' | 'jsonl';
  /** Records `records()` yields: array elements, or non-blank lines. */
  total: number;
  /** Blank lines passed over (JSONL); 0 for a JSON array. */
  blankLines: number;
  /** A fresh pass over the records each call; JSONL lines are read and parsed as they are reached. */
  records(): AsyncIterable<RawRecord>;
}

/** A JSON file is parsed whole, as one string; a larger dataset must be JSONL, which is streamed. */
export const JSON_FILE_LIMIT = 256 * 1024 * 1024;

const HOW_TO =
  'PIVOT Studio imports a .jsonl file (one JSON record per line) or a .json file holding an array of records';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

export async function readRecords(file: string): Promise<RecordSource> {
  const size = await sizeOf(file);
  const first = await firstRecordLine(file);
  if (first === undefined) throw new PivotError('FILE_UNREADABLE', `Dataset file "${file}" is empty. ${HOW_TO}.`);
  const startsArray = first.trimStart().startsWith('[');
  const firstIsJson = parses(first);
  if (firstIsJson && !startsArray) return await lineSource(file);
  if (size > JSON_FILE_LIMIT) {
    // One line that is not JSON in a large JSONL file is that record's problem; a large JSON array cannot be read.
    if (!startsArray || firstIsJson) return await lineSource(file);
    throw new PivotError(
      'FILE_UNREADABLE',
      `Dataset file "${file}" is ${megabytes(size)}: a JSON file is read whole and may have at most ${megabytes(JSON_FILE_LIMIT)}. ` +
        'Write it as JSONL (one record per line), which is read line by line at any size.',
    );
  }

  const bytes = await readRegularFile(file, JSON_FILE_LIMIT).catch((err: unknown) => {
    throw unreadable(file, err);
  });
  let text: string;
  try {
    text = withoutBom(utf8.decode(bytes));
  } catch {
    // JSONL refuses only the lines that are not UTF-8; a JSON array is one value, so the file is refused.
    if (startsArray && !firstIsJson) {
      throw new PivotError('FILE_UNREADABLE', `Dataset file "${file}" is not valid UTF-8 text: save it as UTF-8. ${HOW_TO}.`);
    }
    return await lineSource(file);
  }

  if (startsArray) {
    try {
      const value: unknown = JSON.parse(text);
      if (Array.isArray(value)) return arraySource(value);
    } catch (err) {
      // A JSONL file whose first record happens to be a list is still JSONL; judge by its first line.
      if (!firstIsJson) {
        throw new PivotError('FILE_UNREADABLE', `Dataset file "${file}" is not valid JSON (${message(err)}). ${HOW_TO}.`);
      }
    }
    return await lineSource(file);
  }

  // A pretty-printed JSON object (`{ "data": [ … ] }`) parses whole but not line by line: it is one value, not JSONL.
  const single = wholeValue(text);
  if (single !== undefined) {
    throw new PivotError('FILE_UNREADABLE', `Dataset file "${file}" holds a single JSON ${describe(single)}, not records. ${HOW_TO}.`);
  }
  if (!hasObjectLine(text.split('\n'))) {
    throw new PivotError('FILE_UNREADABLE', `Dataset file "${file}" is not JSON or JSONL. ${HOW_TO}.`);
  }
  return await lineSource(file);
}

/** The file's size, checking on the way that it is a regular file PIVOT Studio can read. */
async function sizeOf(file: string): Promise<number> {
  try {
    const { handle, size } = await openRegularFile(file);
    await handle.close();
    return size;
  } catch (err) {
    throw unreadable(file, err);
  }
}

function unreadable(file: string, err: unknown): PivotError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new PivotError('FILE_UNREADABLE', `Dataset file "${file}" does not exist; check the path.`);
  if (code === 'EISDIR' || (err instanceof NotRegularFile && err.folder)) {
    return new PivotError('FILE_UNREADABLE', `"${file}" is a folder; pass the .jsonl or .json dataset file inside it.`);
  }
  if (err instanceof NotRegularFile) return new PivotError('FILE_UNREADABLE', `Dataset file "${file}" ${err.message}. ${HOW_TO}.`);
  return new PivotError('FILE_UNREADABLE', `Cannot read dataset file "${file}": ${message(err)}.`);
}

/** The first non-blank line, decoded leniently: enough to tell JSON from JSONL. */
async function firstRecordLine(file: string): Promise<string | undefined> {
  try {
    for await (const line of fileLines(file)) if (!isBlank(line.bytes)) return withoutBom(lenientUtf8.decode(line.bytes));
    return undefined;
  } catch (err) {
    throw unreadable(file, err);
  }
}

function arraySource(values: unknown[]): RecordSource {
  return {
    container: 'json',
    total: values.length,
    blankLines: 0,
    async *records() {
      for (let index = 0; index < values.length; index++) {
        const value = values[index];
        const inexact = inexactValue(value);
        yield inexact ? { location: { index }, error: inexact } : { location: { index }, value };
      }
    },
  };
}

async function lineSource(file: string): Promise<RecordSource> {
  let total = 0;
  let blankLines = 0;
  for await (const line of fileLines(file)) {
    if (isBlank(line.bytes)) blankLines++;
    else total++;
  }
  return {
    container: 'jsonl',
    total,
    blankLines,
    async *records() {
      for await (const line of fileLines(file)) {
        // Blank lines (a trailing newline, spacing between records) are layout, not records.
        if (isBlank(line.bytes)) continue;
        yield parseLine(line.number, line.bytes);
      }
    },
  };
}

function parseLine(number: number, bytes: Buffer): RawRecord {
  const location = { line: number };
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    const where = whereReplaced(wholeValue(lenientUtf8.decode(bytes)));
    return { location, error: `${where ?? 'the line'} is not valid UTF-8 text: save the file as UTF-8` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { location, error: `invalid JSON: ${message(err)}` };
  }
  const inexact = inexactValue(value);
  return inexact ? { location, error: inexact } : { location, value };
}

/** Editors on Windows often save UTF-8 with a byte-order mark, which JSON.parse rejects. */
function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** A JSONL file is readable when at least one line is a JSON object; otherwise it is some other kind of file. */
function hasObjectLine(lines: string[]): boolean {
  for (const line of lines) {
    const trimmed = line.trim();
    if (!trimmed.startsWith('{')) continue;
    try {
      const value: unknown = JSON.parse(trimmed);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return true;
    } catch {
      // not this line
    }
  }
  return false;
}

function wholeValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function parses(text: string): boolean {
  return wholeValue(text) !== undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
