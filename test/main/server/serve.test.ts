import { mkdirSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { serve, type RunningServer } from '../../../src-main/server/serve';
import { Workspace } from '../../../src-main/store/workspace';
import type { RunInfo } from '../../../src-shared/domain/runs';
import type { WireMessage } from '../../../src-shared/ipc/wire';
import { checkTestRecipe, testHost, testRecipe, until } from '../../helpers/training';
import { tempDir, workspaceWithPairs } from '../../helpers/workspace';
import { closeCodeAfter, frame } from './raw-websocket';

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(): Promise<{ server: RunningServer; ws: Workspace; base: string }> {
  const rendererDir = tempDir();
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>PIVOT</title>');
  mkdirSync(join(rendererDir, 'assets'));
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  const ws = await workspaceWithPairs([{ question: 'Q1?' }, { question: 'Q2?' }]);
  server = await serve({ workspace: ws, rendererDir, port: 0 });
  return { server, ws, base: `http://127.0.0.1:${server.port}` };
}

function connect(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

function request(socket: WebSocket, id: number, channel: string, body: unknown): Promise<WireMessage> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData): void => {
      const message = JSON.parse(data.toString()) as WireMessage;
      if ('id' in message && message.id === id) {
        socket.off('message', onMessage);
        resolve(message);
      }
    };
    socket.on('message', onMessage);
    socket.send(JSON.stringify({ id, channel, request: body }));
  });
}

/** What a TCP connection to `host`:`port` meets: 'connected', or the error's code (ECONNREFUSED where nothing listens). */
function connectOutcome(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

/**
 * Addresses of this machine other than 127.0.0.1 that a server bound beyond loopback would answer on: every
 * interface's address (link-local IPv6 aside, which needs a scope), and on Linux 127.0.0.2 (all of 127/8 is local).
 */
function otherLocalAddresses(): string[] {
  const addresses = Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((a) => a.address !== '127.0.0.1' && !a.address.startsWith('fe80:'))
    .map((a) => a.address);
  return process.platform === 'linux' ? ['127.0.0.2', ...addresses] : addresses;
}

describe('pivot serve', () => {
  it('binds to loopback and refuses every request without the token', async () => {
    const { server, base } = await start();
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    // Bound to 127.0.0.1 alone: the machine's other addresses (its network interfaces) refuse the connection.
    expect(await connectOutcome('127.0.0.1', server.port)).toBe('connected');
    for (const address of otherLocalAddresses()) expect(await connectOutcome(address, server.port), address).toBe('ECONNREFUSED');
    expect((await fetch(`${base}/`)).status).toBe(401);
    expect((await fetch(`${base}/assets/app.js`)).status).toBe(401);
    expect((await fetch(`${base}/?token=wrong`)).status).toBe(401);
    await expect(connect(`ws://127.0.0.1:${server.port}/ws`)).rejects.toThrow('401');
    await expect(connect(`ws://127.0.0.1:${server.port}/ws?token=nope`)).rejects.toThrow('401');
  });

  it('serves the window with a CSP and a same-site cookie that lets the page load its assets', async () => {
    const { server, base } = await start();
    const page = await fetch(server.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>PIVOT</title>');
    expect(page.headers.get('content-security-policy')).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('cache-control')).toBe('no-store');
    const cookie = page.headers.get('set-cookie')!;
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const asset = await fetch(`${base}/assets/app.js`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await asset.text()).toBe('console.log(1)');
    // Only reads: any other method is 405 with the methods allowed.
    const post = await fetch(server.url, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('never serves a file outside the renderer folder', async () => {
    const { server, base } = await start();
    const res = await fetch(`${base}/..%2f..%2f..%2fetc%2fpasswd?token=${server.token}`);
    // `../` cannot climb above the root: the window's page (single-page fallback), byte for byte.
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await res.text()).toBe('<!doctype html><title>PIVOT</title>');
  });

  it('takes a WebSocket message of 4 MiB, the size limit (one byte more is closed with 1009: serve-survives.test.ts)', async () => {
    const { server } = await start();
    const socket = await connect(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`);
    const head = '{"id":7,"channel":"pairs:list","request":{"limit":10},"padding":"';
    const message = head + 'x'.repeat(4 * 1024 * 1024 - head.length - 2) + '"}';
    expect(Buffer.byteLength(message)).toBe(4 * 1024 * 1024);
    const answer = new Promise<WireMessage | string>((resolve) => {
      socket.once('message', (data: WebSocket.RawData) => resolve(JSON.parse(data.toString()) as WireMessage));
      socket.once('close', (code) => resolve(`closed with ${code}`));
    });
    socket.send(message);
    expect(await answer).toMatchObject({ id: 7, result: { ok: true, data: { total: 2 } } });
    socket.close();
  });

  it('carries the contract over the WebSocket, with validation and errors as data', async () => {
    const { server } = await start();
    const socket = await connect(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`);
    const list = await request(socket, 1, 'pairs:list', { limit: 10 });
    expect(list).toMatchObject({ id: 1, result: { ok: true, data: { total: 2 } } });
    const bad = await request(socket, 2, 'pairs:get', { id: 'one' });
    expect(bad).toMatchObject({ id: 2, result: { ok: false, error: { code: 'INVALID_REQUEST' } } });
    const unknown = await request(socket, 3, 'shell:exec', {});
    expect(unknown).toMatchObject({ id: 3, result: { ok: false, error: { code: 'UNKNOWN_CHANNEL' } } });
    socket.close();
  });

  it('refuses a WebSocket opened by a page of another site', async () => {
    const { server } = await start();
    await expect(
      connect(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, { origin: 'http://evil.example' }),
    ).rejects.toThrow('401');
  });

  it('pushes job progress events to the window', async () => {
    const { server } = await start();
    const socket = await connect(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`);
    const events: WireMessage[] = [];
    socket.on('message', (d) => {
      const m = JSON.parse(d.toString()) as WireMessage;
      if ('event' in m) events.push(m);
    });
    await request(socket, 1, 'pairs:bulk', { job: 'b', target: { ids: [1, 2] }, action: { kind: 'split', split: 'test' } });
    expect(events).toEqual([{ event: 'job:progress', payload: { job: 'b', done: 2, total: 2, label: 'split: 2 / 2' } }]);
    socket.close();
  });

  it('pushes pairs:changed to the window when another process edits the workspace (pivot data import beside it)', async () => {
    const { server, ws } = await start();
    const socket = await connect(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`);
    const events: WireMessage[] = [];
    socket.on('message', (d) => {
      const m = JSON.parse(d.toString()) as WireMessage;
      if ('event' in m) events.push(m);
    });
    const other = Workspace.open(ws.dir);
    other.pairs.update(2, { status: 'accepted' });
    other.close();
    await until(() => events.length > 0, 'pairs:changed', 2500);
    expect(events).toEqual([{ event: 'pairs:changed', payload: { reason: 'another process' } }]);
    socket.close();
  });

  it('serves workspace images and thumbnails by hash only', async () => {
    const { server, ws, base } = await start();
    const hash = ws.pairs.get(1).image;
    const image = await fetch(`${base}/images/${hash}?token=${server.token}`);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    const thumb = await fetch(`${base}/images/${hash}?thumb=1&token=${server.token}`);
    expect(thumb.status).toBe(200);
    expect((await thumb.arrayBuffer()).byteLength).toBeGreaterThan(0);
    expect((await fetch(`${base}/images/${'0'.repeat(64)}?token=${server.token}`)).status).toBe(404);
    expect((await fetch(`${base}/images/..%2fworkspace.sqlite?token=${server.token}`)).status).toBe(404);
  });

  it('goes on with a training run while bad frames close other sockets, and the run completes', async () => {
    const rendererDir = tempDir();
    const ws = await workspaceWithPairs([{}, {}]);
    ws.pairs.update(1, { status: 'accepted' });
    server = await serve({ workspace: ws, rendererDir, port: 0, engineHost: testHost, checkRecipe: checkTestRecipe });
    const socket = await connect(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`);
    const statuses: string[] = [];
    socket.on('message', (d) => {
      const m = JSON.parse(d.toString()) as WireMessage;
      if ('event' in m && m.event === 'run:status') statuses.push((m.payload as { run: RunInfo }).run.status);
    });
    const recipe = testRecipe({ stages: [{ name: 'sft', steps: 30 }], stepMs: 40 });
    const started = await request(socket, 1, 'runs:start', { recipe, objective: 'sft' });
    expect(started).toMatchObject({ id: 1, result: { ok: true, data: { id: 1 } } });
    await until(() => statuses.includes('running'), 'the run to start');

    expect(await closeCodeAfter(server.port, server.token, frame(1, Buffer.alloc(0), { declared: 5 * 1024 * 1024 }))).toBe(1009);
    expect(await closeCodeAfter(server.port, server.token, frame(1, Buffer.from([0xc3, 0x28])))).toBe(1007);
    expect(await closeCodeAfter(server.port, server.token, frame(1, Buffer.from('{}'), { masked: false }))).toBe(1002);

    await until(() => statuses.includes('completed'), 'the run to complete', 30_000);
    const run = await request(socket, 2, 'runs:get', { id: 1 });
    expect(run).toMatchObject({ id: 2, result: { ok: true, data: { status: 'completed', result: { stages: [{ name: 'sft', steps: 30 }] } } } });
    socket.close();
  }, 40_000);
});
