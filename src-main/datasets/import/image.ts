// Resolves a record's image path inside the dataset folder and checks that the file decodes, caching per image
// because many pairs share one image, and keeping only a bounded window of image bytes in memory.
import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep, win32 } from 'node:path';
import sharp from 'sharp';
import { NotRegularFile, readRegularFile } from './regular-file';

export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'gif' | 'tiff' | 'avif';

export interface ImportedImage {
  bytes: Buffer;
  width: number;
  height: number;
  format: ImageFormat;
}

/** A loaded image, or the reason the record that names it cannot be imported. */
export type ImageResult = { ok: true; image: ImportedImage } | { ok: false; reason: string };

type Resolved = { ok: true; real: string } | { ok: false; reason: string };
/** What decoding found; failures keep only the detail so the reason can quote each record's own spelling. */
type Verdict = { ok: true; width: number; height: number; format: ImageFormat } | { ok: false; problem: string };

const FORMATS: readonly ImageFormat[] = ['png', 'jpeg', 'webp', 'gif', 'tiff', 'avif'];

/** The largest image file read; dataset images are far smaller, and a larger file is more likely a mistake. */
export const MAX_IMAGE_BYTES = 100 * 1024 * 1024;

/** Bytes of recently used images kept for the records that follow; pairs sharing an image are usually near. */
const DEFAULT_BYTE_BUDGET = 64 * 1024 * 1024;

export class ImageLoader {
  private readonly resolved = new Map<string, Promise<Resolved>>();
  private readonly verdicts = new Map<string, Promise<Verdict>>();
  private readonly recent = new Map<string, Promise<Buffer>>();
  private readonly recentSizes = new Map<string, number>();
  private recentBytes = 0;

  /** `folder` must be the real path (fs.realpath) of the dataset file's folder. */
  constructor(
    private readonly folder: string,
    private readonly byteBudget = DEFAULT_BYTE_BUDGET,
  ) {}

  async load(written: string): Promise<ImageResult> {
    let where = this.resolved.get(written);
    if (!where) {
      where = this.resolve(written);
      this.resolved.set(written, where);
    }
    const found = await where;
    if (!found.ok) return found;

    // A file already known to be broken is not read again for every pair that names it.
    const known = this.verdicts.get(found.real);
    if (known) {
      const verdict = await known;
      if (!verdict.ok) return { ok: false, reason: `image "${written}" ${verdict.problem}` };
    }

    let bytes: Buffer;
    try {
      bytes = await this.read(found.real);
    } catch (err) {
      return { ok: false, reason: `image "${written}" ${readProblem(err)}` };
    }

    let check = this.verdicts.get(found.real);
    if (!check) {
      check = decode(bytes);
      this.verdicts.set(found.real, check);
    }
    const verdict = await check;
    if (!verdict.ok) return { ok: false, reason: `image "${written}" ${verdict.problem}` };
    return { ok: true, image: { bytes, width: verdict.width, height: verdict.height, format: verdict.format } };
  }

  /**
   * Paths are relative to the dataset folder and must stay inside it, both as written (`../x.png`, absolute
   * paths) and once symlinks are followed, so a dataset cannot pull arbitrary files of the machine into a workspace.
   */
  private async resolve(written: string): Promise<Resolved> {
    const leaves: Resolved = { ok: false, reason: `image path "${written}" leaves the dataset folder` };
    if (isAbsolute(written) || win32.isAbsolute(written)) return leaves;
    const lexical = resolve(this.folder, written);
    if (!inside(this.folder, lexical)) return leaves;
    let real: string;
    try {
      real = await realpath(lexical);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, reason: `image "${written}" not found` };
      return { ok: false, reason: `image "${written}" ${readProblem(err)}` };
    }
    return inside(this.folder, real) ? { ok: true, real } : leaves;
  }

  /** Reads through a small least-recently-used window, bounded by bytes rather than entries. */
  private read(real: string): Promise<Buffer> {
    const hit = this.recent.get(real);
    if (hit) {
      this.recent.delete(real);
      this.recent.set(real, hit);
      return hit;
    }
    const pending = readRegularFile(real, MAX_IMAGE_BYTES);
    this.recent.set(real, pending);
    pending.then(
      (bytes) => {
        if (this.recent.get(real) !== pending) return;
        this.recentSizes.set(real, bytes.length);
        this.recentBytes += bytes.length;
        this.evict();
      },
      () => {
        if (this.recent.get(real) === pending) this.recent.delete(real);
      },
    );
    return pending;
  }

  private evict(): void {
    for (const key of this.recent.keys()) {
      if (this.recentBytes <= this.byteBudget) return;
      const size = this.recentSizes.get(key);
      if (size === undefined) continue; // still being read
      this.recent.delete(key);
      this.recentSizes.delete(key);
      this.recentBytes -= size;
    }
  }
}

function inside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/** Above this many pixels an image is checked through a thumbnail rather than decoded to full-size raw pixels. */
const LARGE_IMAGE_PIXELS = 4_000_000;

/**
 * Decodes run concurrently, but libvips keeps one process-wide error buffer that every sharp call clears, so a
 * failure's message can be wiped by a concurrent call (sharp then says "Unknown error"). Failures are rare, so a
 * failed decode is simply run again alone, with no other decode of ours in flight, to get its real message.
 */
async function decode(bytes: Buffer): Promise<Verdict> {
  const first = await decodeGate.shared(() => tryDecode(bytes));
  return first.ok ? first : decodeGate.exclusive(() => tryDecode(bytes));
}

/**
 * Metadata reads only the header, so a truncated file would pass it; a full decode catches that. Typical dataset
 * images are decoded straight to raw pixels (the fastest full decode); large ones go through a thumbnail instead,
 * which shrinks on load (JPEG, WebP) and keeps memory flat. `failOn: 'truncated'` still accepts files with minor
 * warnings, which browsers and PIL open fine.
 */
async function tryDecode(bytes: Buffer): Promise<Verdict> {
  try {
    const meta = await sharp(bytes).metadata();
    const format = meta.format === 'heif' && meta.compression === 'av1' ? 'avif' : meta.format;
    if (!(FORMATS as readonly string[]).includes(format)) {
      return { ok: false, problem: `is ${format}: PIVOT Studio imports PNG, JPEG, WebP, GIF, TIFF or AVIF images` };
    }
    const full = sharp(bytes, { failOn: 'truncated' });
    const check = meta.width * meta.height > LARGE_IMAGE_PIXELS ? full.resize(256, 256, { fit: 'inside' }) : full;
    await check.raw().toBuffer();
    return { ok: true, width: meta.width, height: meta.height, format: format as ImageFormat };
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    // libvips messages can run over several lines; the first says what went wrong.
    return { ok: false, problem: `cannot be decoded: ${text.split('\n')[0]!.trim()}` };
  }
}

/** A shared/exclusive gate: many shared holders at once, or one exclusive holder with no shared ones. */
class Gate {
  private sharedHolders = 0;
  private idleWaiters: (() => void)[] = [];
  private barrier: Promise<void> | undefined;

  async shared<T>(work: () => Promise<T>): Promise<T> {
    while (this.barrier) await this.barrier;
    this.sharedHolders++;
    try {
      return await work();
    } finally {
      if (--this.sharedHolders === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    while (this.barrier) await this.barrier;
    let open!: () => void;
    this.barrier = new Promise<void>((resolve) => (open = resolve));
    try {
      if (this.sharedHolders > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      return await work();
    } finally {
      this.barrier = undefined;
      open();
    }
  }
}

/** One gate for the process, since the error buffer it protects is process-wide. */
const decodeGate = new Gate();

function readProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EISDIR' || (err instanceof NotRegularFile && err.folder)) return 'is a folder, not an image file';
  if (err instanceof NotRegularFile) return err.message;
  if (code === 'ENOENT') return 'not found';
  return `cannot be read: ${code ?? (err instanceof Error ? err.message : String(err))}`;
}
