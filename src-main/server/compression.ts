// Compression of the window's text files under `pivot serve`: brotli or gzip as the browser's Accept-Encoding allows
// (the window's JavaScript shrinks to about a fifth), each file compressed once per server and kept while unchanged.
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export type ContentEncoding = 'br' | 'gzip';

/** Content types worth compressing (images and fonts are compressed already). */
const COMPRESSIBLE = /^(text\/|application\/json|image\/svg\+xml)/;

/** The encoding to send for an Accept-Encoding header: brotli, else gzip, else null (the bytes as they are). */
export function pickEncoding(acceptEncoding: string | undefined): ContentEncoding | null {
  if (!acceptEncoding) return null;
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
    weights.set(name!.trim(), q ? Number(q[1]) : 1);
  }
  const accepts = (encoding: string): boolean => (weights.get(encoding) ?? weights.get('*') ?? 0) > 0;
  if (accepts('br')) return 'br';
  return accepts('gzip') ? 'gzip' : null;
}

export function isCompressible(contentType: string): boolean {
  return COMPRESSIBLE.test(contentType);
}

/** Compressed copies of files, keyed by path and encoding, kept while the file's modification time stays the same. */
export class CompressedFiles {
  private readonly cache = new Map<string, { mtimeMs: number; body: Buffer }>();

  get(path: string, mtimeMs: number, body: Buffer, encoding: ContentEncoding): Buffer {
    const key = `${encoding}:${path}`;
    const hit = this.cache.get(key);
    if (hit && hit.mtimeMs === mtimeMs) return hit.body;
    const compressed =
      encoding === 'br'
        ? brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } })
        : gzipSync(body, { level: 9 });
    this.cache.set(key, { mtimeMs, body: compressed });
    return compressed;
  }
}
