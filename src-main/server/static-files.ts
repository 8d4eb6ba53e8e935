// Serves the built renderer (out/renderer) over HTTP, never a file outside that folder.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export interface StaticFile {
  body: Buffer;
  contentType: string;
}

/** Finds `urlPath` under `root`; unknown paths fall back to index.html (a single-page app). */
export function readStatic(root: string, urlPath: string): StaticFile | undefined {
  const base = resolve(root);
  const wanted = resolve(base, `.${normalize(decodeURIComponent(urlPath))}`);
  if (wanted !== base && !wanted.startsWith(base + sep)) return undefined;
  const file = existsSync(wanted) && statSync(wanted).isFile() ? wanted : join(base, 'index.html');
  if (!existsSync(file)) return undefined;
  return { body: readFileSync(file), contentType: MIME[extname(file)] ?? 'application/octet-stream' };
}

export const IMAGE_MIME: Record<string, string> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  jpg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  tiff: 'image/tiff',
  avif: 'image/avif',
};
