// Sends one file of the workspace or the window as an HTTP response. The file is opened before the status is
// written, so a file gone from disk (or unreadable) is a 404 rather than an error thrown from a stream.
import { createReadStream } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';

export function sendFile(res: ServerResponse, path: string, headers: Record<string, string>): void {
  const stream = createReadStream(path);
  stream.once('open', () => {
    res.writeHead(200, headers);
    // pipeline closes the file when the client goes away mid-download; that is not an error worth reporting.
    pipeline(stream, res, () => undefined);
  });
  stream.once('error', () => {
    if (!res.headersSent) res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' }).end('Not found.');
    else res.destroy();
  });
}
