// The shapes of messages on each transport. The window's `api` client speaks these; main and `pivot serve`
// answer them with the same handlers.
import type { ChannelName, EventName, Events, Result } from './contract';

/** WebSocket, window → server. */
export interface WireRequest {
  id: number;
  channel: ChannelName;
  request: unknown;
}

/** WebSocket, server → window: either the answer to a request or a pushed event. */
export type WireMessage =
  | { id: number; result: Result<unknown> }
  | { [E in EventName]: { event: E; payload: Events[E] } }[EventName];

/** What the Electron preload exposes on `window.pivot` through contextBridge — nothing else. */
export interface PreloadBridge {
  invoke(channel: ChannelName, request: unknown): Promise<Result<unknown>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}

/** The custom protocol that serves workspace images in Electron (`pivot-image://image/<sha256>`). */
export const IMAGE_PROTOCOL = 'pivot-image';

/** Image URLs under `pivot serve`: `/images/<sha256>?token=…` (thumbnails add `&thumb=1`). */
export const IMAGE_ROUTE = '/images/';

/**
 * The pairs a filter matches as a TRL JSONL download under `pivot serve`: `/export/pairs.jsonl?filter=<JSON>`. Lines
 * name their images `images/<sha256>.<ext>` as a file export does, but the images are not in the download.
 */
export const PAIRS_DOWNLOAD_ROUTE = '/export/pairs.jsonl';

/** A sha256 content hash, as used for workspace image names. */
export const IMAGE_HASH_PATTERN = /^[0-9a-f]{64}$/;
