// Writes a Shapes world folder: PNGs, TRL pairs, captions, metadata and the world description.
// Images are streamed (a few in flight) so memory stays flat whatever the count.

import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { PivotError } from '../../../../src-shared/errors';
import { parseDifficulty, type ResolvedDifficulty } from './difficulty';
import { captionRow, metadataRow, pairRows, paths, readme, worldDoc, type WorldParams } from './records';
import { generateSample } from './sample';
import { shapesTokenizerText } from './tokenizer';
import { shapeClasses } from './vocab';

export interface ShapesWorldOptions {
  out: string;
  count: number;
  seed: number;
  /** Image edge in px, 32..512 (default 64). */
  size?: number;
  /** Preset name or 'preset,key=value,...', e.g. 'hard' or 'medium,objects=3-6,noise=0.1'. */
  difficulty?: string;
}

export interface ShapesWorldSummary {
  out: string;
  images: number;
  pairs: number;
  classes: number;
  difficulty: ResolvedDifficulty;
  /** Relative to `out`. */
  files: string[];
}

export const MAX_COUNT = 999_999;
const IN_FLIGHT = 16;
const JSONL_FILES = ['pairs.jsonl', 'captions.jsonl', 'metadata.jsonl'] as const;

export function resolveWorldParams(opts: ShapesWorldOptions): WorldParams {
  const { count, seed } = opts;
  const size = opts.size ?? 64;
  if (typeof opts.out !== 'string' || opts.out.trim() === '') throw new PivotError('INVALID_CONFIG', 'shapes world: out must be a folder path', { field: 'out', value: opts.out });
  if (!Number.isInteger(count) || count < 1 || count > MAX_COUNT) {
    throw new PivotError('INVALID_CONFIG', `shapes world: count must be a whole number from 1 to ${MAX_COUNT}, got ${String(count)}`, { field: 'count', value: count });
  }
  if (!Number.isSafeInteger(seed)) throw new PivotError('INVALID_CONFIG', `shapes world: seed must be a whole number, got ${String(seed)}`, { field: 'seed', value: seed });
  if (!Number.isInteger(size) || size < 32 || size > 512) {
    throw new PivotError('INVALID_CONFIG', `shapes world: size must be a whole number of px from 32 to 512, got ${String(size)}`, { field: 'size', value: size });
  }
  return { seed, count, size, difficulty: parseDifficulty(opts.difficulty) };
}

/**
 * Fixed encoder settings for byte-identical output. One-channel masks need an explicit b-w
 * colourspace, or sharp writes them as RGB.
 */
export async function encodePng(data: Uint8Array, size: number, channels: 1 | 3): Promise<Buffer> {
  let img = sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { raw: { width: size, height: size, channels } });
  if (channels === 1) img = img.toColourspace('b-w');
  return img.png({ compressionLevel: 9, adaptiveFiltering: false, palette: false }).toBuffer();
}

/** A JSONL file written under a temporary name and renamed into place only when complete. */
class JsonlSink {
  private readonly stream: WriteStream;
  readonly tmp: string;

  constructor(readonly path: string) {
    this.tmp = `${path}.tmp-${process.pid}`;
    this.stream = createWriteStream(this.tmp, { encoding: 'utf8' });
  }

  async write(row: object): Promise<void> {
    if (!this.stream.write(`${JSON.stringify(row)}\n`)) await once(this.stream, 'drain');
  }

  async commit(): Promise<void> {
    this.stream.end();
    await once(this.stream, 'finish');
    await rename(this.tmp, this.path);
  }

  async abort(): Promise<void> {
    this.stream.destroy();
    await rm(this.tmp, { force: true });
  }
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

async function writeImageFiles(out: string, id: string, size: number, image: { rgb: Uint8Array; classMask: Uint8Array; instanceMask: Uint8Array }): Promise<void> {
  const p = paths(id);
  const [rgb, mask, inst] = await Promise.all([
    encodePng(image.rgb, size, 3),
    encodePng(image.classMask, size, 1),
    encodePng(image.instanceMask, size, 1),
  ]);
  await Promise.all([writeFile(join(out, p.image), rgb), writeFile(join(out, p.mask), mask), writeFile(join(out, p.instances), inst)]);
}

/**
 * Generate `count` images into `out` (created if needed; files of an earlier run with a larger
 * count are not removed). Same options give byte-identical files.
 */
export async function writeShapesWorld(
  opts: ShapesWorldOptions,
  onProgress?: (done: number, total: number) => void,
): Promise<ShapesWorldSummary> {
  const world = resolveWorldParams(opts);
  const out = resolve(opts.out);
  for (const dir of ['images', 'masks', 'instances']) await mkdir(join(out, dir), { recursive: true });

  const sinks = JSONL_FILES.map((f) => new JsonlSink(join(out, f)));
  const [pairsSink, captionsSink, metadataSink] = sinks as [JsonlSink, JsonlSink, JsonlSink];
  const imageFiles: string[] = [];
  const pending = new Set<Promise<void>>();
  let failure: unknown = null;
  let done = 0;
  let pairs = 0;
  try {
    for (let index = 0; index < world.count; index++) {
      const sample = generateSample(world.seed, index, world.size, world.difficulty);
      for (const row of pairRows(sample)) await pairsSink.write(row);
      pairs += sample.questions.length;
      await captionsSink.write(captionRow(sample));
      await metadataSink.write(metadataRow(sample));
      const p = paths(sample.id);
      imageFiles.push(p.image, p.mask, p.instances);

      const job: Promise<void> = writeImageFiles(out, sample.id, world.size, sample.image).then(
        () => {
          done++;
          onProgress?.(done, world.count);
        },
        (err: unknown) => {
          failure ??= err;
        },
      );
      pending.add(job);
      void job.then(() => pending.delete(job));
      if (pending.size >= IN_FLIGHT) await Promise.race(pending);
      if (failure) throw failure;
    }
    await Promise.all(pending);
    if (failure) throw failure;
    for (const sink of sinks) await sink.commit();
  } catch (err) {
    await Promise.all(pending);
    await Promise.all(sinks.map((s) => s.abort()));
    throw err;
  }

  await writeAtomic(join(out, 'classes.json'), `${JSON.stringify(shapeClasses(), null, 2)}\n`);
  await writeAtomic(join(out, 'world.json'), `${JSON.stringify(worldDoc(world, pairs), null, 2)}\n`);
  await writeAtomic(join(out, 'README.md'), readme(world, pairs));
  // The world's own word-level tokenizer, so a toy MLLM trains on the folder as it is.
  await writeAtomic(join(out, 'tokenizer.json'), shapesTokenizerText());

  const classes = shapeClasses().length;
  return {
    out,
    images: world.count,
    pairs,
    classes,
    difficulty: world.difficulty,
    files: ['README.md', 'world.json', 'classes.json', ...JSONL_FILES, 'tokenizer.json', ...imageFiles],
  };
}
