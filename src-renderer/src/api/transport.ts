// What the api client needs from a transport. Two implement it: the Electron preload bridge (electron.ts) and the
// `pivot serve` WebSocket (websocket.ts); tests supply fakes. Components never see a transport, only the api.
import type { PairFilter } from '../../../src-shared/domain/pairs';
import type { ChannelName, EventName, Events, Result } from '../../../src-shared/ipc/contract';

/** Connection state; Electron IPC is always 'open'. */
export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface ConnectionInfo {
  state: ConnectionState;
  /** Why it is closed, in words, and when the next attempt is (epoch ms), while closed. */
  reason?: string;
  retryAt?: number;
}

export interface Transport {
  readonly kind: 'electron' | 'websocket' | 'fake';
  /** Resolves with the wire result (`{ok:false}` included); rejects only when the request could not be carried. */
  invoke(channel: ChannelName, request: unknown): Promise<Result<unknown>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
  imageUrl(hash: string, thumb: boolean): string;
  /** Where the window loads a report's example file (`examples/…`) from; fakes may leave it out. */
  reportFileUrl?(name: string, file: string): string;
  /** Where a browser downloads the JSONL of the pairs `filter` matches; only `pivot serve` offers one. */
  pairsDownloadUrl?(filter: PairFilter): string;
  onConnection?(listener: (info: ConnectionInfo) => void): () => void;
  close?(): void;
}
