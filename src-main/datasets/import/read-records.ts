// Reads a dataset file as raw JSON records with their location: a JSON array (records located by index) or
// JSONL (records located by line). Fails only when nothing in the file can be read as records at all.
import { readFile } from 'node:fs/promises';
import { PivotError } from '../../../src-shared/errors';

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
  /** A fresh pass over the records each call; JSONL lines are parsed lazily, as they are reached. */
  records(): Iterable<RawRecord>;
}

const HOW_TO =
  'PIVOT Studio imports a .jsonl file (one JSON record per line) or a .json file holding an array of records';

export async function readRecords(file: string): Promise<RecordSource> {
  const text = await readText(file);
  if (text.trim() === '') throw new PivotError('FILE_UNREADABLE', `Dataset file "${file}" is empty. ${HOW_TO}.`);

  if (text.trimStart().startsWith('[')) {
    try {
      const value: unknown = JSON.parse(text);
      if (Array.isArray(value)) return arraySource(value);
    } catch (err) {
      // A JSONL file whose first record happens to be a list is still JSONL; judge by its first line.
      if (!firstLineIsJson(text)) {
        const reason = `Dataset file "${file}" is not valid JSON (${message(err)}). ${HOW_TO}.`;
        throw new PivotError('FILE_UNREADABLE', reason);
      }
    }
  }

  // A pretty-printed JSON object (`{ "data": [ … ] }`) parses whole but not line by line: it is one value, not JSONL.
  if (!firstLineIsJson(text)) {
    const single = wholeValue(text);
    if (single !== undefined) {
      throw new PivotError(
        'FILE_UNREADABLE',
        `Dataset file "${file}" holds a single JSON ${describe(single)}, not records. ${HOW_TO}.`,
      );
    }
  }
  const lines = text.split('\n');
  if (!hasObjectLine(lines)) {
    throw new PivotError('FILE_UNREADABLE', `Dataset file "${file}" is not JSON or JSONL. ${HOW_TO}.`);
  }
  return lineSource(lines);
}

async function readText(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new PivotError('FILE_UNREADABLE', `Dataset file "${file}" does not exist; check the path.`);
    }
    if (code === 'EISDIR') {
      const reason = `"${file}" is a folder; pass the .jsonl or .json dataset file inside it.`;
      throw new PivotError('FILE_UNREADABLE', reason);
    }
    throw new PivotError('FILE_UNREADABLE', `Cannot read dataset file "${file}": ${message(err)}.`);
  }
  // Editors on Windows often save UTF-8 with a byte-order mark, which JSON.parse rejects.
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function arraySource(values: unknown[]): RecordSource {
  return {
    container: 'json',
    total: values.length,
    *records() {
      for (let index = 0; index < values.length; index++) yield { location: { index }, value: values[index] };
    },
  };
}

function lineSource(lines: string[]): RecordSource {
  let total = 0;
  for (const line of lines) if (line.trim() !== '') total++;
  return {
    container: 'jsonl',
    total,
    *records() {
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i]!;
        // Blank lines (a trailing newline, spacing between records) are layout, not records.
        if (line.trim() === '') continue;
        const location = { line: i + 1 };
        try {
          yield { location, value: JSON.parse(line) as unknown };
        } catch (err) {
          yield { location, error: `invalid JSON: ${message(err)}` };
        }
      }
    },
  };
}

function firstLineIsJson(text: string): boolean {
  const first = text.split('\n').find((line) => line.trim() !== '');
  return first !== undefined && parses(first);
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
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
