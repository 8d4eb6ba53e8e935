// Text is imported exactly as written or refused with the reason (line or index, and field): bytes that are not
// UTF-8, lone surrogate escapes and numbers that overflow to Infinity are not stored changed; JSONL is streamed line by
// line, and a JSON file too large to read whole is refused with a pointer to JSONL.
import { truncate } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDataset } from '../../../src-main/datasets/import';
import { JSON_FILE_LIMIT } from '../../../src-main/datasets/import/read-records';
import { PivotError } from '../../../src-shared/errors';
import { collect, imageBytes, removeTempDirs, tempDir, writeBytes } from './fixtures';

let dir: string;
const line = (fields: Record<string, unknown>) => JSON.stringify({ prompt: 'Q?', chosen: 'A', rejected: 'B', image: 'a.png', ...fields });
const HOW_TO = 'PIVOT Studio imports a .jsonl file (one JSON record per line) or a .json file holding an array of records.';

beforeAll(async () => {
  dir = await tempDir();
  await writeBytes(dir, 'a.png', await imageBytes(2, 2));
});
afterAll(removeTempDirs);

async function failure(file: string): Promise<PivotError> {
  const err = await readDataset(file, 'trl').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(PivotError);
  return err as PivotError;
}

describe('exact text on import', () => {
  it('refuses JSONL records with bytes that are not UTF-8, lone surrogates or overflowing numbers, naming line and field', async () => {
    const bad = Buffer.from(line({ chosen: 'caf\u00e9' }).replace('caf\u00e9', 'caf__'));
    bad.set([0xe9, 0x21], bad.indexOf('__'));
    const file = await writeBytes(
      dir,
      'inexact.jsonl',
      Buffer.concat([
        Buffer.from(`${line({ chosen: 'Caf\u00e9 \ud83d\ude00' })}\n`),
        bad,
        Buffer.from(`\n${line({}).replace('"B"', '"B \\ud800"')}\n${line({ score: 1 }).replace('"score":1', '"score":1e999')}\n`),
        Buffer.from(`${line({}).replace('"Q?"', '[{"role":"user","content":[{"type":"text","text":"\\udc00"}]}]')}\n`),
      ]),
    );
    const parsed = await readDataset(file, 'trl');
    expect(parsed.total).toBe(5);
    const { records, rejected } = await collect(parsed);
    expect(records.map((r) => [r.location, r.chosen])).toStrictEqual([[{ line: 1 }, 'Caf\u00e9 \ud83d\ude00']]);
    expect(rejected).toStrictEqual([
      { line: 2, reason: 'field "chosen" is not valid UTF-8 text: save the file as UTF-8' },
      { line: 3, reason: 'field "rejected" holds a lone UTF-16 surrogate escape, which cannot be stored as text: fix or remove it' },
      { line: 4, reason: 'field "score" is a number too large to store (it reads as Infinity): write it within ±1.7e308, or as a string' },
      { line: 5, reason: 'field "prompt[0].content[0].text" holds a lone UTF-16 surrogate escape, which cannot be stored as text: fix or remove it' },
    ]);
  });

  it('refuses such elements of a JSON array by index, and a JSON array that is not UTF-8 as a whole', async () => {
    const file = await writeBytes(dir, 'inexact.json', `[${line({})},\n${line({ idx: 1 }).replace('"idx":1', '"idx":-1e400')}]`);
    const { records, rejected } = await collect(await readDataset(file, 'trl'));
    expect(records).toHaveLength(1);
    expect(rejected).toStrictEqual([
      { index: 1, reason: 'field "idx" is a number too large to store (it reads as -Infinity): write it within ±1.7e308, or as a string' },
    ]);

    const latin1 = await writeBytes(dir, 'latin1.json', Buffer.from(`[\n${line({ chosen: 'caf\u00e9' })}\n]`, 'latin1'));
    expect((await failure(latin1)).message).toBe(`Dataset file "${latin1}" is not valid UTF-8 text: save it as UTF-8. ${HOW_TO}`);
  });

  it('streams JSONL whose lines cross the reader’s chunks, keeping every line number and text exact', async () => {
    const long = (n: number) => `${n}:${'é'.repeat(400_000)}`;
    const file = await writeBytes(dir, 'long.jsonl', `${line({ chosen: long(1) })}\n\n${line({ chosen: long(2) })}\n${line({ chosen: long(3) })}`);
    const parsed = await readDataset(file, 'trl');
    expect(parsed.total).toBe(3);
    const { records, rejected } = await collect(parsed);
    expect(rejected).toStrictEqual([]);
    expect(records.map((r) => r.location)).toStrictEqual([{ line: 1 }, { line: 3 }, { line: 4 }]);
    expect(records.map((r) => r.chosen)).toStrictEqual([long(1), long(2), long(3)]);
  });

  it('refuses a JSON array file too large to read whole, saying to use JSONL', async () => {
    // A sparse file: its size is over the limit, but nothing is written to disk.
    const file = await writeBytes(dir, 'huge.json', '[\n');
    await truncate(file, JSON_FILE_LIMIT + 1);
    const err = await failure(file);
    expect(err.code).toBe('FILE_UNREADABLE');
    expect(err.message).toBe(
      `Dataset file "${file}" is 257 MB: a JSON file is read whole and may have at most 256 MB. Write it as JSONL (one record per line), which is read line by line at any size.`,
    );
  });
});
