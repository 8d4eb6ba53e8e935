// Serves the built renderer (out/renderer) over HTTP, never a file outside that folder.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { PivotError } from '../../src-shared/errors';

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
  /** The file served (index.html for an unknown path) and when it last changed, to cache its compressed copies. */
  path: string;
  mtimeMs: number;
}

/**
 * Finds `urlPath` under `root`; unknown paths fall back to index.html (a single-page app). Undefined when the window
 * is not built; INVALID_REQUEST for a path that is not percent-encoded text, PATH_OUTSIDE_FOLDER for one that leaves root.
 */
export function readStatic(root: string, urlPath: string): StaticFile | undefined {
  const base = resolve(root);
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    throw new PivotError('INVALID_REQUEST', `The path ${urlPath.slice(0, 200)} is not valid percent-encoded text.`);
  }
  const wanted = resolve(base, `.${normalize(decoded)}`);
  if (wanted !== base && !wanted.startsWith(base + sep)) {
    throw new PivotError('PATH_OUTSIDE_FOLDER', `The path ${urlPath.slice(0, 200)} leaves the window's folder.`);
  }
  const file = existsSync(wanted) && statSync(wanted).isFile() ? wanted : join(base, 'index.html');
  if (!existsSync(file)) return undefined;
  return { body: readFileSync(file), contentType: MIME[extname(file)] ?? 'application/octet-stream', path: file, mtimeMs: statSync(file).mtimeMs };
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
