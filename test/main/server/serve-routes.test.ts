// Every route of `pivot serve` (serve.ts: the window's files, /images/<hash>, /reports/<name>/examples/<file> and
// the /ws upgrade) given malformed input answers with the status for it, and the server answers normally afterwards.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serve, type RunningServer } from '../../../src-main/server/serve';
import type { Workspace } from '../../../src-main/store/workspace';
import { tempDir, workspaceWithPairs } from '../../helpers/workspace';

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(): Promise<{ server: RunningServer; ws: Workspace }> {
  const rendererDir = tempDir();
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>PIVOT</title>');
  const ws = await workspaceWithPairs([{ question: 'Q1?' }, { question: 'Q2?' }]);
  mkdirSync(join(ws.dir, 'reports', 'r1', 'examples'), { recursive: true });
  writeFileSync(join(ws.dir, 'reports', 'r1', 'examples', 'a.png'), 'PNG');
  server = await serve({ workspace: ws, rendererDir, port: 0 });
  return { server, ws };
}

/** A request with the path and method as written (fetch would normalise both). */
function raw(port: number, path: string, method = 'GET', headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('latin1')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(method === 'GET' || method === 'HEAD' ? undefined : '{"x":1}');
  });
}

describe('pivot serve answers malformed requests without going down', () => {
  it('gives each malformed request its status, and serves normally afterwards', async () => {
    const { server, ws } = await start();
    const t = `token=${server.token}`;
    const hash = ws.pairs.get(1).image;
    const routes = ['/', '/assets/app.js', `/images/${hash}`, '/reports/r1/examples/a.png'];
    const cases: Array<[string, string, number]> = [];
    for (const route of routes) {
      cases.push(['GET', route, 401], ['GET', `${route}?token=`, 401], ['GET', `${route}?token=${'x'.repeat(48)}`, 401]);
      cases.push(['GET', `${route}?token=${server.token.slice(0, -1)}`, 401], ['GET', `${route}?token=${server.token}0`, 401]);
      for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) cases.push([method, `${route}?${t}`, 405]);
      // Node refuses request lines and headers over 16 KB before any route sees them.
      cases.push(['GET', `${route}?${t}&q=${'a'.repeat(100_000)}`, 431]);
    }
    cases.push(
      ['GET', `/images/?${t}`, 404],
      ['GET', `/images/${'0'.repeat(64)}?${t}`, 404],
      ['GET', `/images/${hash.toUpperCase()}?${t}`, 404],
      ['GET', `/images/${hash}x?${t}`, 404],
      ['GET', `/images/${hash.slice(0, 63)}?${t}`, 404],
      ['GET', `/images/..%2f..%2fworkspace.sqlite?${t}`, 404],
      // The URL parser turns this into /workspace.sqlite: the window's page (single-page fallback), not the database.
      ['GET', `/images/%2e%2e/workspace.sqlite?${t}`, 200],
      ['GET', `/images/%E0%A4%A?${t}`, 404],
      ['GET', `/images/${hash}%00?${t}`, 404],
      ['GET', `/images/${hash}?thumb=1&thumb=2&${t}`, 200],
      ['GET', `/reports/?${t}`, 404],
      ['GET', `/reports/r1?${t}`, 404],
      ['GET', `/reports/%E0%A4%A/examples/a.png?${t}`, 404],
      ['GET', `/reports/r1/examples/%E0%A4%A.png?${t}`, 404],
      ['GET', `/reports/r1/examples/..%2f..%2f..%2fworkspace.sqlite?${t}`, 404],
      ['GET', `/reports/r1%00/examples/a.png?${t}`, 404],
      ['GET', `/%E0%A4%A?${t}`, 400],
      // Decoded and normalised from the root, `../` cannot climb: the page itself, never /etc/passwd.
      ['GET', `/..%2f..%2f..%2fetc%2fpasswd?${t}`, 200],
      ['GET', `/%2e%2e%5c%2e%2e%5cetc%5cpasswd?${t}`, 200],
      ['GET', `/?${t}&${'k=v&'.repeat(3000)}`, 200],
      ['HEAD', `/images/${hash}?${t}`, 200],
      // Request targets the URL parser refuses.
      ['GET', '//[', 400],
      ['GET', `http://127.0.0.1:99999/?${t}`, 400],
    );
    for (const [method, path, status] of cases) {
      const res = await raw(server.port, path, method);
      expect(res.status, `${method} ${path.slice(0, 120)}`).toBe(status);
      expect(res.body).not.toContain('root:');
      expect(res.body).not.toContain('SQLite format');
    }
    // The image file gone from disk: 404, for the image and its thumbnail.
    rmSync(ws.images.pathFor(ws.pairs.get(2).image, 'png'));
    expect((await raw(server.port, `/images/${ws.pairs.get(2).image}?${t}`)).status).toBe(404);
    expect((await raw(server.port, `/images/${ws.pairs.get(2).image}?thumb=1&${t}`)).status).toBe(404);
    // A WebSocket upgrade anywhere but /ws, or without the token, is refused.
    const upgrade = { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' };
    for (const path of [`/?${t}`, '/ws', '/ws?token=bad', `/ws/../images?${t}`, '//[', `http://127.0.0.1:99999/ws?${t}`]) {
      expect((await raw(server.port, path, 'GET', upgrade)).status, path).toBe(401);
    }
    const page = await raw(server.port, `/?${t}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>PIVOT</title>');
  });
});
