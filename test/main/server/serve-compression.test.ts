// `pivot serve` sends the window's text files compressed as the browser accepts (brotli, else gzip, else as they
// are), so the first load of the window moves a fraction of its bytes; the decoded bytes are the file's own.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { serve, type RunningServer } from '../../../src-main/server/serve';
import { pickEncoding } from '../../../src-main/server/compression';
import { tempDir, workspaceWithPairs } from '../../helpers/workspace';

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The raw response (no decoding): status, headers and body bytes. */
function get(url: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

async function start(): Promise<{ base: string; js: string; png: string }> {
  const rendererDir = tempDir();
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>PIVOT</title>');
  mkdirSync(join(rendererDir, 'assets'));
  const js = join(rendererDir, 'assets', 'app.js');
  writeFileSync(js, Array.from({ length: 4000 }, (_, i) => `export const value${i} = ${i} * 2;\n`).join(''));
  const png = join(rendererDir, 'assets', 'icon.png');
  writeFileSync(png, Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4, 5, 6, 7, 8]));
  server = await serve({ workspace: await workspaceWithPairs([{}]), rendererDir, port: 0 });
  return { base: `http://127.0.0.1:${server.port}`, js, png };
}

describe('pivot serve compresses the window', () => {
  it('sends brotli when accepted, gzip otherwise, the file as it is when neither, with the same decoded bytes', async () => {
    const { base, js } = await start();
    const url = `${base}/assets/app.js?token=${server!.token}`;
    const file = readFileSync(js);

    const br = await get(url, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toBe('Accept-Encoding');
    expect(br.body.length).toBeLessThan(file.length / 4);
    expect(brotliDecompressSync(br.body).equals(file)).toBe(true);
    expect(Number(br.headers['content-length'])).toBe(br.body.length);

    const gzip = await get(url, { 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body).equals(file)).toBe(true);

    const plain = await get(url, {});
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(file)).toBe(true);

    const refused = await get(url, { 'accept-encoding': 'br;q=0, gzip;q=0' });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.body.equals(file)).toBe(true);
  });

  it('leaves images as they are', async () => {
    const { base, png } = await start();
    const res = await get(`${base}/assets/icon.png?token=${server!.token}`, { 'accept-encoding': 'br, gzip' });
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body.equals(readFileSync(png))).toBe(true);
  });

  it('reads Accept-Encoding with its q-values', () => {
    expect(pickEncoding(undefined)).toBeNull();
    expect(pickEncoding('gzip, deflate, br, zstd')).toBe('br');
    expect(pickEncoding('gzip;q=1.0, br;q=0')).toBe('gzip');
    expect(pickEncoding('*')).toBe('br');
    expect(pickEncoding('identity')).toBeNull();
    expect(pickEncoding('BR;Q=0.5')).toBe('br');
  });
});
