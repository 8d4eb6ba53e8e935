// Content-addressed image files of a workspace: `images/<first two hex>/<sha256>.<format>`, written atomically,
// plus cached thumbnails for the pair list.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { IMAGE_HASH_PATTERN } from '../../src-shared/ipc/wire';

export const THUMBNAIL_SIZE = 128;

export class ImageFiles {
  constructor(private readonly root: string) {}

  static hash(bytes: Buffer): string {
    return createHash('sha256').update(bytes).digest('hex');
  }

  /** Stores the bytes under their hash (a no-op when already present) and returns the hash. */
  put(bytes: Buffer, format: string): string {
    const hash = ImageFiles.hash(bytes);
    const path = this.pathFor(hash, format);
    if (!existsSync(path)) writeAtomically(path, bytes);
    return hash;
  }

  pathFor(hash: string, format: string): string {
    if (!IMAGE_HASH_PATTERN.test(hash)) throw new Error(`not an image hash: ${hash}`);
    return join(this.root, 'images', hash.slice(0, 2), `${hash}.${format}`);
  }

  /** A PNG thumbnail that fits THUMBNAIL_SIZE, made once and cached beside the images. */
  async thumbnail(hash: string, format: string): Promise<string> {
    const path = join(this.root, 'thumbs', hash.slice(0, 2), `${hash}.png`);
    if (!existsSync(path)) {
      const png = await sharp(this.pathFor(hash, format))
        .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', kernel: 'nearest', withoutEnlargement: false })
        .png()
        .toBuffer();
      writeAtomically(path, png);
    }
    return path;
  }

  /** Number of stored image files (for diagnostics and tests). */
  count(): number {
    const dir = join(this.root, 'images');
    if (!existsSync(dir)) return 0;
    return readdirSync(dir).reduce((n, sub) => n + readdirSync(join(dir, sub)).length, 0);
  }
}

/** Writes a file so that a crash leaves either the old file or the new one, never a torn one. */
export function writeAtomically(path: string, data: Buffer | string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}
