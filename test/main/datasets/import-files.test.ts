// Reading dataset files as a whole: FILE_UNREADABLE cases, format detection, blank lines, CRLF and BOM.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectFormat, readDataset } from '../../../src-main/datasets/import';
import { PivotError } from '../../../src-shared/errors';
import { collect, imageBytes, removeTempDirs, tempDir, writeBytes, writeJsonl } from './fixtures';

let dir: string;

beforeAll(async () => {
  dir = await tempDir();
  await writeBytes(dir, 'a.png', await imageBytes(2, 2));
});
afterAll(removeTempDirs);

async function unreadable(file: string, format?: 'trl'): Promise<PivotError> {
  const err = await readDataset(file, format).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PivotError);
  expect((err as PivotError).code).toBe('FILE_UNREADABLE');
  return err as PivotError;
}

const HOW_TO =
  'PIVOT Studio imports a .jsonl file (one JSON record per line) or a .json file holding an array of records.';

describe('reading dataset files', () => {
  it('fails with FILE_UNREADABLE for a missing file, naming it', async () => {
    const file = join(dir, 'nope.jsonl');
    expect((await unreadable(file)).message).toBe(`Dataset file "${file}" does not exist; check the path.`);
  });

  it('fails with FILE_UNREADABLE for a folder', async () => {
    const folder = join(dir, 'sub');
    await mkdir(folder);
    expect((await unreadable(folder)).message).toBe(
      `"${folder}" is a folder; pass the .jsonl or .json dataset file inside it.`,
    );
  });

  it('fails with FILE_UNREADABLE for files that are not JSON or JSONL', async () => {
    const csv = await writeBytes(dir, 'data.csv', 'question,chosen,rejected\nQ,A,B\n');
    expect((await unreadable(csv, 'trl')).message).toBe(`Dataset file "${csv}" is not JSON or JSONL. ${HOW_TO}`);

    const empty = await writeBytes(dir, 'empty.jsonl', '\n  \n');
    expect((await unreadable(empty, 'trl')).message).toBe(`Dataset file "${empty}" is empty. ${HOW_TO}`);

    const broken = await writeBytes(dir, 'broken.json', '[\n  {"prompt": "Q"},\n  {"prompt": \n]');
    let parseError = '';
    try {
      JSON.parse('[\n  {"prompt": "Q"},\n  {"prompt": \n]');
    } catch (err) {
      parseError = (err as Error).message;
    }
    expect((await unreadable(broken)).message).toBe(`Dataset file "${broken}" is not valid JSON (${parseError}). ${HOW_TO}`);

    const object = await writeBytes(dir, 'object.json', '{\n  "data": [\n    {"prompt": "Q"}\n  ]\n}\n');
    expect((await unreadable(object)).message).toBe(
      `Dataset file "${object}" holds a single JSON object, not records. ${HOW_TO}`,
    );
  });

  it('fails with FILE_UNREADABLE when the format cannot be detected, saying to pass --format', async () => {
    const file = await writeJsonl(dir, 'unknown.jsonl', [{ foo: 1 }, { bar: 2 }]);
    expect((await unreadable(file)).message).toBe(
      `Cannot tell the format of dataset file "${file}" from its records; pass --format trl|rlaif-v|llava-rlhf.`,
    );
  });

  it('detects the format from the first record whose keys say it', async () => {
    expect(detectFormat({ output_1: {}, image: 'x' })).toBe('llava-rlhf');
    expect(detectFormat({ preference: 1 })).toBe('llava-rlhf');
    expect(detectFormat({ image_path: 'x' })).toBe('rlaif-v');
    expect(detectFormat({ ds_name: 'x' })).toBe('rlaif-v');
    expect(detectFormat({ question: 'x', image: 'y' })).toBe('rlaif-v');
    expect(detectFormat({ prompt: 'x', images: [] })).toBe('trl');
    expect(detectFormat({ id: 1 })).toBeUndefined();

    const file = await writeJsonl(dir, 'detect.jsonl', [
      'not json',
      '"a string"',
      { id: 'no known keys' },
      { question: 'Q?', chosen: 'A', rejected: 'B', image_path: 'a.png' },
    ]);
    const parsed = await readDataset(file);
    expect(parsed.format).toBe('rlaif-v');
    expect(parsed.total).toBe(4);
    const { records, rejected } = await collect(parsed);
    expect(records.map((r) => r.location)).toStrictEqual([{ line: 4 }]);
    expect(rejected.map((r) => [r.line, r.reason.slice(0, 13)])).toStrictEqual([
      [1, 'invalid JSON:'],
      [2, 'record must b'],
      [3, 'missing field'],
    ]);
  });

  it('skips blank lines silently, counts only records, and tolerates CRLF and a byte-order mark', async () => {
    const rec = JSON.stringify({ prompt: 'Q?', chosen: 'A', rejected: 'B', image: 'a.png' });
    const file = await writeBytes(dir, 'crlf.jsonl', `\uFEFF${rec}\r\n\r\n   \r\n${rec}\r\n\n`);
    const parsed = await readDataset(file);
    expect(parsed.total).toBe(2);
    const { records, rejected } = await collect(parsed);
    expect(rejected).toStrictEqual([]);
    expect(records.map((r) => r.location)).toStrictEqual([{ line: 1 }, { line: 4 }]);
  });

  it('refuses an unknown format name', async () => {
    const file = await writeJsonl(dir, 'x.jsonl', [{ prompt: 'Q' }]);
    const err = await readDataset(file, 'parquet' as 'trl').catch((e: unknown) => e);
    expect((err as PivotError).code).toBe('INVALID_REQUEST');
  });

  it('can be iterated twice', async () => {
    const file = await writeJsonl(dir, 'twice.jsonl', [{ prompt: 'Q?', chosen: 'A', rejected: 'B', image: 'a.png' }]);
    const parsed = await readDataset(file);
    expect((await collect(parsed)).records).toHaveLength(1);
    expect((await collect(parsed)).records).toHaveLength(1);
  });
});
