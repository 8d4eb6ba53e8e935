// The window's typed client of the contract: `api.pairs.list(query)`, `api.data.import({...})`, … — one method per
// channel (`domain:verb` → `api[domain][camelCase(verb)]`), resolving with the channel's response or throwing a
// PivotError. It is built over a Transport; `useApi()` picks Electron's preload bridge when there is one and the
// `pivot serve` WebSocket otherwise. Tests call `createApi(fakeTransport)` and `setApi(api)`.
import { PivotError, isErrorCode, type ErrorData } from '../../../src-shared/errors';
import type { ChannelName, EventName, Events, RequestOf, ResponseOf, Result } from '../../../src-shared/ipc/contract';
import type { PairFilter } from '../../../src-shared/domain/pairs';
import { REPORT_ROUTE, reportFilePathname } from '../../../src-shared/domain/report-paths';
import { createElectronTransport } from './electron';
import type { ConnectionInfo, Transport } from './transport';
import { createWebSocketTransport, resolveToken, socketUrl } from './websocket';

export type { ConnectionInfo, ConnectionState, Transport } from './transport';

/** Every channel, checked against the contract at compile time (a missing or unknown name fails to build). */
const CHANNELS = {
  'workspace:info': true,
  'pairs:list': true,
  'pairs:counts': true,
  'pairs:get': true,
  'pairs:update': true,
  'pairs:swap': true,
  'pairs:undo': true,
  'pairs:history': true,
  'pairs:bulk': true,
  'pairs:undo-bulk': true,
  'pairs:review': true,
  'pairs:agreement': true,
  'datasets:stats': true,
  'data:import': true,
  'data:export': true,
  'imports:list': true,
  'imports:rejections': true,
  'dialog:pick-file': true,
  'runs:start': true,
  'runs:check': true,
  'runs:list': true,
  'runs:get': true,
  'runs:metrics': true,
  'runs:logs': true,
  'runs:config': true,
  'runs:pause': true,
  'runs:resume': true,
  'runs:cancel': true,
  'runs:export': true,
  'recipes:list': true,
  'engine:backends': true,
  'reports:list': true,
  'reports:get': true,
  'reports:export-encoder': true,
  'studies:start': true,
  'studies:cancel': true,
  'sweeps:start': true,
  'sweeps:cancel': true,
  'probes:start': true,
} as const satisfies Record<ChannelName, true>;

type DomainOf<C extends string> = C extends `${infer D}:${string}` ? D : never;
type CamelCase<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<CamelCase<T>>}` : S;

export type ChannelMethod<C extends ChannelName> = (request: RequestOf<C>) => Promise<ResponseOf<C>>;

/** `{ pairs: { list, counts, … }, data: { import, export }, workspace: { info }, dialog: { pickFile } }`. */
export type ApiMethods = {
  [D in DomainOf<ChannelName>]: {
    [C in ChannelName as C extends `${D}:${infer V}` ? CamelCase<V> : never]: ChannelMethod<C>;
  };
};

export interface ApiExtras {
  /** Calls a channel by name (what the typed methods do). */
  call<C extends ChannelName>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
  /** Listens to an event pushed by the app; returns the unsubscribe. */
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
  /** Where the window loads a workspace image (or its thumbnail) from. */
  imageUrl(hash: string, options?: { thumb?: boolean }): string;
  /** Where the window loads a report's example file (`examples/…`, as examples.json names it) from. */
  reportFileUrl(name: string, file: string): string;
  /** Where the browser downloads the JSONL of the pairs `filter` matches under `pivot serve`; null in the app, which writes files itself. */
  pairsDownloadUrl(filter: PairFilter): string | null;
  /** Connection state changes (the WebSocket); Electron is always open. Returns the unsubscribe. */
  onConnection(listener: (info: ConnectionInfo) => void): () => void;
  readonly transportKind: Transport['kind'];
}

export type Api = ApiMethods & ApiExtras;

export function camelCase(verb: string): string {
  return verb.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** Plain JSON data: drops Vue proxies (which structured clone refuses) and undefined fields. */
function plain(request: unknown): unknown {
  return request === undefined ? {} : (JSON.parse(JSON.stringify(request)) as unknown);
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function createApi(transport: Transport): Api {
  async function call(channel: ChannelName, request: unknown): Promise<unknown> {
    let result: Result<unknown>;
    try {
      result = await transport.invoke(channel, plain(request));
    } catch (err) {
      if (err instanceof PivotError) throw err;
      throw new PivotError('INTERNAL', `${channel} failed: ${describe(err)}`);
    }
    if (typeof result !== 'object' || result === null || typeof result.ok !== 'boolean') {
      throw new PivotError('INTERNAL', `${channel}: the app answered with something that is not a result.`);
    }
    if (result.ok) return result.data;
    const error: Partial<ErrorData> | undefined = result.error;
    if (error && isErrorCode(error.code)) {
      throw PivotError.fromJSON({ code: error.code, message: error.message ?? error.code, details: error.details });
    }
    throw new PivotError('INTERNAL', error?.message ?? `${channel} failed without a message.`, error);
  }

  const domains: Record<string, Record<string, (request: unknown) => Promise<unknown>>> = {};
  for (const channel of Object.keys(CHANNELS) as ChannelName[]) {
    const [domain, verb] = channel.split(':') as [string, string];
    (domains[domain] ??= {})[camelCase(verb)] = (request: unknown) => call(channel, request);
  }
  const extras: ApiExtras = {
    call: <C extends ChannelName>(channel: C, request: RequestOf<C>) => call(channel, request) as Promise<ResponseOf<C>>,
    on: (event, listener) => transport.on(event, listener),
    imageUrl: (hash, options) => transport.imageUrl(hash, options?.thumb === true),
    reportFileUrl: (name, file) =>
      transport.reportFileUrl ? transport.reportFileUrl(name, file) : `${REPORT_ROUTE}${reportFilePathname(name, file)}`,
    pairsDownloadUrl: (filter) => transport.pairsDownloadUrl?.(filter) ?? null,
    onConnection: (listener) => {
      if (transport.onConnection) return transport.onConnection(listener);
      listener({ state: 'open' });
      return () => {};
    },
    transportKind: transport.kind,
  };
  return Object.assign(domains, extras) as unknown as Api;
}

/** The transport for this window: the Electron preload bridge if present, else the `pivot serve` WebSocket. */
export function createDefaultTransport(): Transport {
  if (window.pivot) return createElectronTransport(window.pivot);
  let storage: Storage | null = null;
  try {
    storage = window.sessionStorage;
  } catch {
    storage = null;
  }
  const token = resolveToken(window.location, storage, window.history);
  return createWebSocketTransport({ url: socketUrl(window.location, token), token });
}

let current: Api | null = null;

/** The window's api (created on first use from the environment unless `setApi` supplied one). */
export function useApi(): Api {
  current ??= createApi(createDefaultTransport());
  return current;
}

/** Supplies the api (tests: `setApi(createApi(fakeTransport))`); `null` forgets it. */
export function setApi(api: Api | null): void {
  current = api;
}

let jobCounter = 0;
/** A job id for the progress of a long request (`pairs:bulk`, `data:import`, `data:export`). */
export function newJobId(kind: string): string {
  jobCounter += 1;
  return `${kind}-${Date.now().toString(36)}-${jobCounter}-${Math.random().toString(36).slice(2, 8)}`;
}
