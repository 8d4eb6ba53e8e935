// The `pivot serve` transport: one WebSocket to `/ws?token=…` carrying `{id, channel, request}` → `{id, result}`
// and pushed `{event, payload}`. It reconnects with exponential backoff; a request still unanswered when the socket
// closes is rejected (it may or may not have run: the caller decides whether to retry).
import { PivotError } from '../../../src-shared/errors';
import type { ChannelName, EventName, Events, Result } from '../../../src-shared/ipc/contract';
import { IMAGE_ROUTE, PAIRS_DOWNLOAD_ROUTE, type WireMessage, type WireRequest } from '../../../src-shared/ipc/wire';
import { REPORT_ROUTE, reportFilePathname } from '../../../src-shared/domain/report-paths';
import type { ConnectionInfo, Transport } from './transport';

/** The part of the browser WebSocket this transport uses, so tests can hand in a fake. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: Event) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: Event) => void) | null;
}

export interface WebSocketTransportOptions {
  /** The socket's full URL, token included. */
  url: string;
  /** The token for image URLs (`/images/<hash>?token=…`). */
  token: string;
  /** Opens a socket; defaults to the browser's WebSocket. */
  connect?: (url: string) => WebSocketLike;
  /** Reconnect delays: initialMs, doubled after each failed attempt up to maxMs. */
  backoff?: { initialMs: number; maxMs: number };
}

const OPEN = 1;

interface Pending {
  channel: ChannelName;
  resolve(result: Result<unknown>): void;
  reject(err: unknown): void;
}

export interface WebSocketTransport extends Transport {
  /** Requests sent or queued and not yet answered. */
  readonly pendingCount: number;
}

export function createWebSocketTransport(options: WebSocketTransportOptions): WebSocketTransport {
  const connect = options.connect ?? ((url: string) => new WebSocket(url) as unknown as WebSocketLike);
  const backoff = options.backoff ?? { initialMs: 500, maxMs: 10_000 };
  const pending = new Map<number, Pending>();
  /** Requests made while connecting, sent once the socket opens. */
  let queue: WireRequest[] = [];
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  const connectionListeners = new Set<(info: ConnectionInfo) => void>();
  let info: ConnectionInfo = { state: 'connecting' };
  let socket: WebSocketLike | null = null;
  let nextId = 1;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let closedByUser = false;

  function setInfo(next: ConnectionInfo): void {
    info = next;
    for (const l of connectionListeners) l(info);
  }

  function open(): void {
    retryTimer = null;
    setInfo({ state: 'connecting' });
    const ws = connect(options.url);
    socket = ws;
    ws.onopen = () => {
      if (socket !== ws) return;
      attempt = 0;
      setInfo({ state: 'open' });
      const toSend = queue;
      queue = [];
      for (const message of toSend) ws.send(JSON.stringify(message));
    };
    ws.onmessage = (ev) => {
      if (socket === ws) receive(ev.data);
    };
    ws.onerror = () => {
      // A close event always follows; it does the work.
    };
    ws.onclose = (ev) => {
      if (socket !== ws) return;
      socket = null;
      lost(ev.code, ev.reason);
    };
  }

  function lost(code: number, reason: string): void {
    const detail = `code ${code}${reason ? `: ${reason}` : ''}`;
    const unanswered = [...pending.entries()];
    pending.clear();
    queue = [];
    for (const [, p] of unanswered) {
      p.reject(
        new PivotError(
          'WORKSPACE_UNAVAILABLE',
          `The connection to the PIVOT server closed (${detail}) before it answered ${p.channel}. Reconnecting…`,
          { channel: p.channel, closeCode: code },
        ),
      );
    }
    if (closedByUser) {
      setInfo({ state: 'closed', reason: 'closed' });
      return;
    }
    const delay = Math.min(backoff.maxMs, backoff.initialMs * 2 ** attempt);
    attempt += 1;
    setInfo({ state: 'closed', reason: `connection lost (${detail})`, retryAt: Date.now() + delay });
    retryTimer = setTimeout(open, delay);
  }

  function receive(data: unknown): void {
    let message: WireMessage;
    try {
      message = JSON.parse(String(data)) as WireMessage;
    } catch {
      console.warn('pivot: ignoring a message that is not JSON');
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    if ('id' in message) {
      const p = pending.get(message.id);
      if (!p) return;
      pending.delete(message.id);
      p.resolve(message.result);
      return;
    }
    if ('event' in message) {
      const set = listeners.get(message.event);
      if (!set) return;
      for (const listener of [...set]) {
        try {
          (listener as (payload: unknown) => void)(message.payload);
        } catch (err) {
          console.error(`pivot: a listener of ${message.event} threw`, err);
        }
      }
    }
  }

  open();

  return {
    kind: 'websocket',
    get pendingCount() {
      return pending.size;
    },
    invoke(channel, request) {
      return new Promise<Result<unknown>>((resolve, reject) => {
        if (closedByUser) {
          reject(new PivotError('WORKSPACE_UNAVAILABLE', 'The connection to the PIVOT server was closed.'));
          return;
        }
        if (info.state === 'closed') {
          const wait = info.retryAt ? Math.max(0, Math.ceil((info.retryAt - Date.now()) / 1000)) : 0;
          reject(
            new PivotError(
              'WORKSPACE_UNAVAILABLE',
              `Not connected to the PIVOT server (${info.reason ?? 'closed'}); retrying in ${wait} s. ${channel} was not sent.`,
              { channel },
            ),
          );
          return;
        }
        const id = nextId++;
        const message: WireRequest = { id, channel, request };
        pending.set(id, { channel, resolve, reject });
        if (socket && socket.readyState === OPEN) socket.send(JSON.stringify(message));
        else queue.push(message);
      });
    },
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const entry = listener as (payload: never) => void;
      set.add(entry);
      return () => {
        set.delete(entry);
      };
    },
    imageUrl(hash, thumb) {
      return `${IMAGE_ROUTE}${encodeURIComponent(hash)}?token=${encodeURIComponent(options.token)}${thumb ? '&thumb=1' : ''}`;
    },
    reportFileUrl(name, file) {
      return `${REPORT_ROUTE}${reportFilePathname(name, file)}?token=${encodeURIComponent(options.token)}`;
    },
    pairsDownloadUrl(filter) {
      return `${PAIRS_DOWNLOAD_ROUTE}?filter=${encodeURIComponent(JSON.stringify(filter))}&token=${encodeURIComponent(options.token)}`;
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      listener(info);
      return () => {
        connectionListeners.delete(listener);
      };
    },
    close() {
      closedByUser = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      const ws = socket;
      if (ws) ws.close(1000, 'closed by the window');
      else setInfo({ state: 'closed', reason: 'closed' });
    },
  };
}

const TOKEN_KEY = 'pivot.token';

/**
 * The access token of `pivot serve`: from the page's `?token=` (then kept in sessionStorage and removed from the
 * address bar), or from sessionStorage on a reload of `/`.
 */
export function resolveToken(
  location: Pick<Location, 'search' | 'href'>,
  storage: Pick<Storage, 'getItem' | 'setItem'> | null,
  history?: Pick<History, 'replaceState'> | null,
): string {
  const fromUrl = new URLSearchParams(location.search).get('token');
  if (fromUrl) {
    try {
      storage?.setItem(TOKEN_KEY, fromUrl);
      if (history) {
        const url = new URL(location.href);
        url.searchParams.delete('token');
        history.replaceState(null, '', url.pathname + url.search + url.hash);
      }
    } catch {
      // Storage may be unavailable (privacy mode): the token then only lives in the URL.
    }
    return fromUrl;
  }
  try {
    return storage?.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
}

export function socketUrl(location: Pick<Location, 'protocol' | 'host'>, token: string): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/ws?token=${encodeURIComponent(token)}`;
}
