// `pivot serve`: the window in a browser. HTTP on 127.0.0.1 serves the built renderer and workspace images, and a
// WebSocket carries the same contract as Electron IPC to the same handlers. Every request needs the random token
// printed in the URL (kept afterwards in a same-site cookie, so the page's own assets load). Exported pairs are
// offered as a download there, the browser having no access to the server's files.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventName, Events } from '../../src-shared/ipc/contract';
import { IMAGE_HASH_PATTERN, IMAGE_ROUTE, PAIRS_DOWNLOAD_ROUTE, type WireMessage, type WireRequest } from '../../src-shared/ipc/wire';
import { PivotError, type ErrorCode } from '../../src-shared/errors';
import { REPORT_ROUTE, parseReportFilePathname } from '../../src-shared/domain/report-paths';
import { realReportFilePath, reportFileMime } from '../reports/report-files';
import type { HostLauncher } from '../engine-jobs/engine-host';
import { forkEngineHost } from '../engine-jobs/fork';
import { dispatch } from '../ipc/dispatch';
import { announceOtherProcessChanges } from '../ipc/workspace-changes';
import { WorkspaceJobs, type WorkspaceJobsOptions } from '../ipc/workspace-jobs';
import type { Workspace } from '../store/workspace';
import { CompressedFiles, isCompressible, pickEncoding } from './compression';
import { contentSecurityPolicy } from './csp';
import { sendPairsDownload } from './pairs-download';
import { sendFile } from './send-file';
import { IMAGE_MIME, readStatic } from './static-files';

const COOKIE = 'pivot_token';
/** The HTTP status of a request that failed with one of these error codes (anything else is a 500). */
const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  INVALID_REQUEST: 400,
  NOT_FOUND: 404,
  PATH_OUTSIDE_FOLDER: 404,
  FILE_UNREADABLE: 404,
};
/** Requests larger than this are refused: the contract has no large payloads. */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
/** The window's files compressed, shared by the servers of this process (keyed by path, so by window folder). */
const compressed = new CompressedFiles();

export interface ServeOptions {
  workspace: Workspace;
  rendererDir: string;
  /** 0 picks a free port. */
  port: number;
  token?: string;
  /** Starts an engine host for each training run (default: a Node child process). */
  engineHost?: HostLauncher;
  /** The recipe check of runs (default the engine's schema; tests whose hosts run a double bring their own). */
  checkRecipe?: WorkspaceJobsOptions['checkRecipe'];
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export async function serve(options: ServeOptions): Promise<RunningServer> {
  const token = options.token ?? randomBytes(24).toString('hex');
  const sockets = new Set<WebSocket>();
  const emit = <E extends EventName>(event: E, payload: Events[E]): void => {
    const message = JSON.stringify({ event, payload } as WireMessage);
    for (const s of sockets) s.send(message);
  };
  const jobs = new WorkspaceJobs(options.workspace, {
    launch: options.engineHost ?? (() => forkEngineHost()),
    emit,
    ...(options.checkRecipe ? { checkRecipe: options.checkRecipe } : {}),
  });
  const ctx = { workspace: options.workspace, emit, jobs };
  // A `pivot data import` or `pivot train` beside the server reaches the open pages within a second.
  const stopAnnouncing = announceOtherProcessChanges(options.workspace, emit);

  const server = createServer((req, res) => {
    handleHttp(req, res, options, token).catch((err: unknown) => {
      const error = PivotError.toData(err);
      if (!res.headersSent) res.writeHead(HTTP_STATUS[error.code] ?? 500, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
      res.end(error.message);
    });
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    // A client that resets the connection during the handshake must not take the server down.
    socket.on('error', () => socket.destroy());
    const url = requestUrl(req);
    if (!url || url.pathname !== '/ws' || !authorised(req, url, token) || !sameOrigin(req)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      // A bad frame (too big, invalid UTF-8, unmasked, a reserved opcode) is an 'error' on that socket only: ws has
      // already closed it with the fitting code (1009, 1007, 1002); without a listener the error would end the server.
      ws.on('error', () => sockets.delete(ws));
      ws.on('message', (data) => {
        answer(ws, data.toString(), ctx).catch(() => ws.close(1011, 'internal error'));
      });
    });
  });

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolvePromise());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    // A run in progress is cancelled first (its checkpoint kept), so the workspace can close cleanly after.
    close: async () => {
      stopAnnouncing();
      await jobs.close();
      await new Promise<void>((resolveClose) => {
        for (const s of sockets) s.terminate();
        wss.close();
        server.close(() => resolveClose());
      });
    },
  };
}

async function answer(ws: WebSocket, text: string, ctx: Parameters<typeof dispatch>[2]): Promise<void> {
  let message: WireRequest;
  try {
    message = JSON.parse(text) as WireRequest;
    if (typeof message !== 'object' || message === null || typeof message.id !== 'number') throw new Error('no id');
  } catch {
    const error = new PivotError('INVALID_REQUEST', 'A message must be JSON {"id": number, "channel", "request"}.');
    ws.send(JSON.stringify({ id: -1, result: { ok: false, error: error.toJSON() } }));
    return;
  }
  const result = await dispatch(message.channel, message.request, ctx);
  ws.send(JSON.stringify({ id: message.id, result } satisfies WireMessage));
}

async function handleHttp(req: IncomingMessage, res: ServerResponse, options: ServeOptions, token: string): Promise<void> {
  const url = requestUrl(req);
  if (!url) throw new PivotError('INVALID_REQUEST', `The request target ${req.url?.slice(0, 200)} is not a URL path.`);
  if (!authorised(req, url, token)) {
    res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('PIVOT Studio: open the URL printed by `pivot serve`, including its ?token=…');
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  const headers: Record<string, string> = {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  };
  if (url.searchParams.get('token') === token) {
    headers['set-cookie'] = `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
  }
  if (url.pathname.startsWith(IMAGE_ROUTE)) {
    await sendImage(res, options.workspace, url, headers);
    return;
  }
  if (url.pathname.startsWith(REPORT_ROUTE)) {
    await sendReportFile(res, options.workspace, url, headers);
    return;
  }
  if (url.pathname === PAIRS_DOWNLOAD_ROUTE) {
    sendPairsDownload(res, options.workspace, url, headers);
    return;
  }
  const file = readStatic(options.rendererDir, url.pathname);
  if (!file) {
    res.writeHead(503, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
    res.end(`The window is not built (${options.rendererDir} is missing). Run \`npm run build\` in the PIVOT Studio folder.`);
    return;
  }
  const fileHeaders: Record<string, string> = { ...headers, 'content-type': file.contentType, 'content-security-policy': contentSecurityPolicy('') };
  let body = file.body;
  if (isCompressible(file.contentType)) {
    fileHeaders.vary = 'Accept-Encoding';
    const encoding = pickEncoding(req.headers['accept-encoding']);
    if (encoding) {
      body = compressed.get(file.path, file.mtimeMs, file.body, encoding);
      fileHeaders['content-encoding'] = encoding;
    }
  }
  fileHeaders['content-length'] = String(body.length);
  res.writeHead(200, fileHeaders);
  res.end(req.method === 'HEAD' ? undefined : body);
}

async function sendImage(res: ServerResponse, ws: Workspace, url: URL, headers: Record<string, string>): Promise<void> {
  const hash = url.pathname.slice(IMAGE_ROUTE.length);
  const format = IMAGE_HASH_PATTERN.test(hash) ? ws.pairs.imageFormat(hash) : undefined;
  if (!format) throw new PivotError('NOT_FOUND', `No image ${hash.slice(0, 80)} in this workspace.`);
  const cached = { ...headers, 'cache-control': 'private, max-age=31536000, immutable' };
  if (url.searchParams.get('thumb') !== '1') {
    sendFile(res, ws.images.pathFor(hash, format), { ...cached, 'content-type': IMAGE_MIME[format] ?? 'application/octet-stream' });
    return;
  }
  let thumbnail: string;
  try {
    thumbnail = await ws.images.thumbnail(hash, format);
  } catch (err) {
    throw new PivotError('FILE_UNREADABLE', `The image ${hash} cannot be read for a thumbnail: ${(err as Error).message}`);
  }
  sendFile(res, thumbnail, { ...cached, 'content-type': 'image/png' });
}

/** `/reports/<name>/examples/<file>`: a report's example picture or index, by report and file name only. */
async function sendReportFile(res: ServerResponse, ws: Workspace, url: URL, headers: Record<string, string>): Promise<void> {
  const parsed = parseReportFilePathname(url.pathname.slice(REPORT_ROUTE.length));
  if (!parsed) throw new PivotError('NOT_FOUND', 'A report file is /reports/<name>/examples/<file>.');
  const path = await realReportFilePath(ws.dir, parsed.name, parsed.file);
  sendFile(res, path, { ...headers, 'content-type': reportFileMime(parsed.file) });
}

/** The request's URL, or null for a request target the URL parser refuses (`//[`, a port out of range). */
function requestUrl(req: IncomingMessage): URL | null {
  try {
    return new URL(req.url ?? '/', 'http://127.0.0.1');
  } catch {
    return null;
  }
}

/** The token from the query or the cookie, compared in constant time. */
function authorised(req: IncomingMessage, url: URL, token: string): boolean {
  const given = url.searchParams.get('token') ?? readCookie(req.headers.cookie, COOKIE);
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Browsers send Origin on WebSocket upgrades: refuse pages of other sites (cross-site WebSocket hijacking). */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  return origin === undefined || origin === `http://${req.headers.host}`;
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
