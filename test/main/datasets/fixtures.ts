// Builds small dataset folders in temp directories: real PNG/JPEG files made with sharp, and dataset files.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import type { RejectedRecord } from '../../../src-shared/domain/import-report';
import type { ParsedDataset, ValidRecord } from '../../../src-main/datasets/import';

const made: string[] = [];

export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pivot-datasets-'));
  made.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** A solid-colour RGB image of the given size, encoded with sharp from raw pixels. */
export async function imageBytes(
  width: number,
  height: number,
  rgb: [number, number, number] = [200, 30, 30],
  format: 'png' | 'jpeg' | 'webp' = 'png',
): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  for (let i = 0; i < raw.length; i += 3) raw.set(rgb, i);
  return sharp(raw, { raw: { width, height, channels: 3 } }).toFormat(format).toBuffer();
}

export async function writeBytes(dir: string, rel: string, bytes: Buffer | string): Promise<string> {
  const path = join(dir, rel);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, bytes);
  return path;
}

/** Writes records as JSONL; strings are written verbatim (for blank or broken lines). */
export async function writeJsonl(dir: string, rel: string, lines: (object | string)[]): Promise<string> {
  return writeBytes(dir, rel, `${lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n`);
}

export async function writeJson(dir: string, rel: string, value: unknown): Promise<string> {
  return writeBytes(dir, rel, JSON.stringify(value, null, 2));
}

export interface Collected {
  records: ValidRecord[];
  rejected: RejectedRecord[];
  /** Item kinds in file order, to check that good records interleave with bad ones as in the file. */
  order: ('ok' | 'rejected')[];
}

export async function collect(parsed: ParsedDataset): Promise<Collected> {
  const out: Collected = { records: [], rejected: [], order: [] };
  for await (const item of parsed.items) {
    out.order.push(item.ok ? 'ok' : 'rejected');
    if (item.ok) out.records.push(item.record);
    else out.rejected.push(item.rejected);
  }
  return out;
}

/** The parts of a record tests compare exactly; image bytes are compared separately. */
export function summary(record: ValidRecord): Omit<ValidRecord, 'image'> & { image: Omit<ValidRecord['image'], 'bytes'> } {
  const { bytes: _bytes, ...image } = record.image;
  return { ...record, image };
}
