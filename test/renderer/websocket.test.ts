// @vitest-environment happy-dom
// The `pivot serve` WebSocket transport: answers matched to requests by id, events dispatched, requests made while
// connecting sent on open, pending ones rejected when the socket closes, reconnection with backoff, the token.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PivotError } from '../../src-shared/errors';
import type { WireRequest } from '../../src-shared/ipc/wire';
import { createApi } from '../../src-renderer/src/api';
import type { ConnectionInfo } from '../../src-renderer/src/api/transport';
import {
  createWebSocketTransport,
  resolveToken,
  socketUrl,
  type WebSocketLike,
} from '../../src-renderer/src/api/websocket';

class FakeSocket implements WebSocketLike {
  readyState = 0;
  sent: WireRequest[] = [];
  closedWith: [number | undefined, string | undefined] | null = null;
  onopen: ((ev: Event) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string): void {
    if (this.readyState !== 1) throw new Error('not open');
    this.sent.push(JSON.parse(data) as WireRequest);
  }
  close(code?: number, reason?: string): void {
    this.closedWith = [code, reason];
    this.drop(code ?? 1000, reason ?? '');
  }
  // Test controls.
  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  answer(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  drop(code = 1006, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

function setup(backoff = { initialMs: 500, maxMs: 4000 }) {
  const sockets: FakeSocket[] = [];
  const transport = createWebSocketTransport({
    url: 'ws://127.0.0.1:5555/ws?token=tok',
    token: 'tok en',
    backoff,
    connect: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
  });
  const states: ConnectionInfo['state'][] = [];
  transport.onConnection!((info) => states.push(info.state));
  return { transport, sockets, states, api: createApi(transport) };
}

describe('the WebSocket transport', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('queues requests made while connecting and sends them as {id, channel, request} once open', async () => {
    const { sockets, api } = setup();
    expect(sockets).toHaveLength(1);
    expect(sockets[0]!.url).toBe('ws://127.0.0.1:5555/ws?token=tok');
    const info = api.workspace.info({});
    const got = api.pairs.get({ id: 9 });
    expect(sockets[0]!.sent).toEqual([]);
    sockets[0]!.open();
    expect(sockets[0]!.sent).toEqual([
      { id: 1, channel: 'workspace:info', request: {} },
      { id: 2, channel: 'pairs:get', request: { id: 9 } },
    ]);
    sockets[0]!.answer({ id: 2, result: { ok: true, data: { id: 9 } } });
    sockets[0]!.answer({ id: 1, result: { ok: true, data: { path: '/w' } } });
    await expect(got).resolves.toEqual({ id: 9 });
    await expect(info).resolves.toEqual({ path: '/w' });
  });

  it('matches answers to requests by id, whatever their order, and errors to their own request', async () => {
    const { sockets, api } = setup();
    sockets[0]!.open();
    const a = api.pairs.get({ id: 1 });
    const b = api.pairs.get({ id: 2 });
    const c = api.pairs.undo({ id: 3 });
    const [ra, rb, rc] = sockets[0]!.sent;
    sockets[0]!.answer({ id: rc!.id, result: { ok: false, error: { code: 'NOTHING_TO_UNDO', message: 'nothing on 3' } } });
    sockets[0]!.answer({ id: rb!.id, result: { ok: true, data: { id: 2, which: 'b' } } });
    sockets[0]!.answer({ id: 999, result: { ok: true, data: 'stray' } });
    sockets[0]!.answer({ id: ra!.id, result: { ok: true, data: { id: 1, which: 'a' } } });
    await expect(a).resolves.toEqual({ id: 1, which: 'a' });
    await expect(b).resolves.toEqual({ id: 2, which: 'b' });
    const err = (await c.catch((e: unknown) => e)) as PivotError;
    expect(err).toBeInstanceOf(PivotError);
    expect([err.code, err.message]).toEqual(['NOTHING_TO_UNDO', 'nothing on 3']);
  });

  it('dispatches pushed events to their listeners only', () => {
    const { sockets, api } = setup();
    sockets[0]!.open();
    const progress: string[] = [];
    const changed: string[] = [];
    const off = api.on('job:progress', (p) => progress.push(`${p.job}:${p.done}/${p.total}`));
    api.on('pairs:changed', (p) => changed.push(p.reason));
    sockets[0]!.answer({ event: 'job:progress', payload: { job: 'import-1', done: 5, total: 50, label: 'importing' } });
    sockets[0]!.answer({ event: 'pairs:changed', payload: { reason: 'cli' } });
    off();
    sockets[0]!.answer({ event: 'job:progress', payload: { job: 'import-1', done: 6, total: 50, label: 'importing' } });
    expect(progress).toEqual(['import-1:5/50']);
    expect(changed).toEqual(['cli']);
  });

  it('rejects every pending request with a clear error when the socket closes', async () => {
    const { transport, sockets, api } = setup();
    sockets[0]!.open();
    const list = api.pairs.list({});
    const update = api.pairs.update({ id: 4, edit: { status: 'accepted' } });
    expect(transport.pendingCount).toBe(2);
    sockets[0]!.drop(1006);
    const e1 = (await list.catch((e: unknown) => e)) as PivotError;
    const e2 = (await update.catch((e: unknown) => e)) as PivotError;
    expect(e1).toBeInstanceOf(PivotError);
    expect(e1.code).toBe('WORKSPACE_UNAVAILABLE');
    expect(e1.message).toBe('The connection to the PIVOT server closed (code 1006) before it answered pairs:list. Reconnecting…');
    expect(e2.message).toContain('before it answered pairs:update');
    expect(transport.pendingCount).toBe(0);
  });

  it('rejects requests queued before the socket ever opened when the attempt fails', async () => {
    const { sockets, api } = setup();
    const info = api.workspace.info({});
    sockets[0]!.drop(1006);
    await expect(info).rejects.toMatchObject({ code: 'WORKSPACE_UNAVAILABLE' });
  });

  it('refuses requests at once while disconnected, then reconnects with exponential backoff', async () => {
    const { sockets, states, api } = setup({ initialMs: 500, maxMs: 1500 });
    sockets[0]!.open();
    sockets[0]!.drop(1006);
    const refused = (await api.pairs.counts({}).catch((e: unknown) => e)) as PivotError;
    expect(refused.code).toBe('WORKSPACE_UNAVAILABLE');
    expect(refused.message).toMatch(/^Not connected to the PIVOT server \(connection lost \(code 1006\)\); retrying in 1 s\. pairs:counts was not sent\.$/);

    vi.advanceTimersByTime(499);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2); // after 500 ms
    sockets[1]!.drop();
    vi.advanceTimersByTime(999);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(3); // after 1000 ms more
    sockets[2]!.drop();
    vi.advanceTimersByTime(1500);
    expect(sockets).toHaveLength(4); // capped at maxMs
    sockets[3]!.open();

    const again = api.pairs.get({ id: 1 });
    expect(sockets[3]!.sent[0]).toMatchObject({ channel: 'pairs:get', request: { id: 1 } });
    sockets[3]!.answer({ id: sockets[3]!.sent[0]!.id, result: { ok: true, data: 'back' } });
    await expect(again).resolves.toBe('back');
    expect(states).toEqual(['connecting', 'open', 'closed', 'connecting', 'closed', 'connecting', 'closed', 'connecting', 'open']);

    // An open connection resets the backoff.
    sockets[3]!.drop();
    vi.advanceTimersByTime(500);
    expect(sockets).toHaveLength(5);
  });

  it('stops for good on close()', async () => {
    const { transport, sockets, api } = setup();
    sockets[0]!.open();
    const pending = api.pairs.get({ id: 1 });
    transport.close!();
    expect(sockets[0]!.closedWith).toEqual([1000, 'closed by the window']);
    await expect(pending).rejects.toMatchObject({ code: 'WORKSPACE_UNAVAILABLE' });
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
    await expect(api.pairs.get({ id: 1 })).rejects.toMatchObject({ code: 'WORKSPACE_UNAVAILABLE' });
  });

  it('ignores messages that are not JSON', () => {
    const { sockets } = setup();
    sockets[0]!.open();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    sockets[0]!.onmessage!({ data: '{not json' });
    expect(warn).toHaveBeenCalledOnce();
    warn.mockRestore();
  });

  it('builds image URLs under /images/ with the token (and &thumb=1)', () => {
    const { api } = setup();
    const hash = 'f'.repeat(64);
    expect(api.imageUrl(hash)).toBe(`/images/${hash}?token=tok%20en`);
    expect(api.imageUrl(hash, { thumb: true })).toBe(`/images/${hash}?token=tok%20en&thumb=1`);
  });

  it('builds the pairs download URL with the filter as JSON and the token', () => {
    const { api } = setup();
    expect(api.pairsDownloadUrl({ status: ['accepted'] })).toBe('/export/pairs.jsonl?filter=%7B%22status%22%3A%5B%22accepted%22%5D%7D&token=tok%20en');
  });
});

describe('the access token', () => {
  function memoryStorage() {
    const data = new Map<string, string>();
    return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), data };
  }

  it('comes from ?token=, is kept in sessionStorage and leaves the address bar', () => {
    const storage = memoryStorage();
    const replaced: string[] = [];
    const token = resolveToken(
      { search: '?token=abc123&x=1', href: 'http://127.0.0.1:4000/?token=abc123&x=1#top' },
      storage,
      { replaceState: (_d: unknown, _t: string, url?: string | URL | null) => void replaced.push(String(url)) },
    );
    expect(token).toBe('abc123');
    expect(storage.data.get('pivot.token')).toBe('abc123');
    expect(replaced).toEqual(['/?x=1#top']);
  });

  it('comes from sessionStorage on a reload of /', () => {
    const storage = memoryStorage();
    storage.setItem('pivot.token', 'kept');
    expect(resolveToken({ search: '', href: 'http://127.0.0.1:4000/' }, storage, null)).toBe('kept');
    expect(resolveToken({ search: '', href: 'http://127.0.0.1:4000/' }, memoryStorage(), null)).toBe('');
  });

  it('goes into the socket URL, ws: or wss: after the page', () => {
    expect(socketUrl({ protocol: 'http:', host: '127.0.0.1:4000' }, 'a b')).toBe('ws://127.0.0.1:4000/ws?token=a%20b');
    expect(socketUrl({ protocol: 'https:', host: 'example.org' }, 't')).toBe('wss://example.org/ws?token=t');
  });
});
