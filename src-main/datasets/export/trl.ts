// Writes pairs as TRL's conversational vision preference JSONL, with the image files copied into `images/` beside
// it, so `datasets.load_dataset("json", …)` and TRL's DPOTrainer can read the export as is.
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { PivotError } from '../../../src-shared/errors';

export interface ExportablePair {
  id: number;
  /** Absolute path of the image file in the workspace. */
  imagePath: string;
  /** File name the image gets in the export, e.g. `<sha256>.png`. */
  imageName: string;
  question: string;
  chosen: string;
  rejected: string;
  split: 'train' | 'test';
  status: string;
  tags: string[];
  source: { dataset: string; origin: Record<string, unknown> };
}

export interface TrlExportResult {
  path: string;
  written: number;
  images: number;
}

/** The images folder beside the JSONL; lines name images by paths relative to the JSONL's folder. */
const IMAGES_DIR = 'images';
/** Lines are buffered and written in chunks of about this size, not one write per pair. */
const CHUNK = 1 << 20;
/** Progress is reported every this many pairs (and once at the end), not per pair, so listeners are not flooded. */
const PROGRESS_EVERY = 100;

/**
 * Writes `pairs` to `out` as JSONL and their images to `<folder of out>/images/`. `onProgress` gets the number of
 * pairs written so far, every 100 pairs and at the end. Throws PivotError FILE_UNREADABLE when a pair's image cannot be
 * read and PATH_OUTSIDE_FOLDER for an image name that is not a plain file name; `out` is then left as it was.
 */
export async function writeTrlExport(
  out: string,
  pairs: Iterable<ExportablePair> | AsyncIterable<ExportablePair>,
  onProgress?: (n: number) => void,
): Promise<TrlExportResult> {
  const path = resolve(out);
  const folder = dirname(path);
  const imagesFolder = join(folder, IMAGES_DIR);
  await mkdir(imagesFolder, { recursive: true });

  // Written under a temporary name and renamed at the end, so a failed or interrupted export never leaves a
  // half-written file where a previous good export (or the user's reader) expects a complete one.
  const temp = join(folder, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'w');
  const copied = new Set<string>();
  let written = 0;
  try {
    let buffer = '';
    for await (const pair of pairs) {
      const name = safeImageName(pair);
      if (!copied.has(name)) {
        await copyImage(pair, join(imagesFolder, name));
        copied.add(name);
      }
      buffer += trlLine(pair);
      if (buffer.length >= CHUNK) {
        await handle.write(buffer);
        buffer = '';
      }
      written++;
      if (written % PROGRESS_EVERY === 0) onProgress?.(written);
    }
    if (written % PROGRESS_EVERY !== 0) onProgress?.(written);
    if (buffer) await handle.write(buffer);
    await handle.sync();
    await handle.close();
    await rename(temp, path);
  } catch (err) {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  return { path, written, images: copied.size };
}

/**
 * One line (newline included) in TRL's conversational preference layout for vision models: the image is a
 * `{"type": "image"}` placeholder in the user turn and its file is listed in `images`, as `images/<name>` relative to
 * the JSONL's folder. PIVOT's curation fields ride along as extra columns, which TRL ignores.
 */
export function trlLine(pair: ExportablePair): string {
  const line = {
    id: pair.id,
    images: [exportedImagePath(pair)],
    prompt: [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: pair.question }] }],
    chosen: [{ role: 'assistant', content: [{ type: 'text', text: pair.chosen }] }],
    rejected: [{ role: 'assistant', content: [{ type: 'text', text: pair.rejected }] }],
    split: pair.split,
    status: pair.status,
    tags: pair.tags,
    source_dataset: pair.source.dataset,
  };
  return `${JSON.stringify(line)}\n`;
}

/** Where the pair's image is in the export, relative to the JSONL's folder (how every exported row names it). */
export function exportedImagePath(pair: ExportablePair): string {
  return `${IMAGES_DIR}/${safeImageName(pair)}`;
}

/** Image names become file names under `images/`; one that is not a plain file name could write elsewhere. */
function safeImageName(pair: ExportablePair): string {
  const name = pair.imageName;
  const plain = name !== '' && name !== '.' && name !== '..' && !/[/\\\0]/.test(name);
  if (!plain) {
    throw new PivotError(
      'PATH_OUTSIDE_FOLDER',
      `Image name "${name}" of pair ${pair.id} is not a plain file name; it would be written outside "${IMAGES_DIR}/".`,
    );
  }
  return name;
}

/**
 * Image names are content hashes, so a file already there with the same size is the same image (from an earlier
 * export to this folder) and is not copied again. New files are copied under a temporary name and renamed, so an
 * interrupted export never leaves a truncated image behind that a later export would then trust.
 */
async function copyImage(pair: ExportablePair, target: string): Promise<void> {
  let size: number;
  try {
    size = (await stat(pair.imagePath)).size;
  } catch (err) {
    throw new PivotError(
      'FILE_UNREADABLE',
      `Image of pair ${pair.id} ("${pair.imagePath}") cannot be read: ${(err as NodeJS.ErrnoException).code ?? err}.`,
    );
  }
  const existing = await stat(target).catch(() => undefined);
  if (existing?.isFile() && existing.size === size) return;
  const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await copyFile(pair.imagePath, temp);
    await rename(temp, target);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw new PivotError(
      'FILE_UNREADABLE',
      `Image of pair ${pair.id} ("${pair.imagePath}") cannot be copied to "${target}": ${String(err)}.`,
    );
  }
}
