// `pivot serve`'s pairs download: the pairs a filter matches as TRL JSONL, streamed to the browser as an attachment,
// as the window's Export writes them to a file (same lines; the images are not sent, see PAIRS_DOWNLOAD_ROUTE).
import type { ServerResponse } from 'node:http';
import { Readable, pipeline } from 'node:stream';
import { pairFilterSchema, type PairFilter } from '../../src-shared/domain/pairs';
import { PivotError } from '../../src-shared/errors';
import { exportable } from '../curation/export-dataset';
import { trlLine } from '../datasets/export/trl';
import type { Workspace } from '../store/workspace';

/** Streams the JSONL; a `filter` parameter that is not a pair filter is INVALID_REQUEST (400) before anything is sent. */
export function sendPairsDownload(res: ServerResponse, ws: Workspace, url: URL, headers: Record<string, string>): void {
  const filter = parseFilter(url.searchParams.get('filter'));
  const lines = Readable.from((function* () {
    for (const pair of exportable(ws, filter)) yield trlLine(pair);
  })());
  res.writeHead(200, { ...headers, 'content-type': 'application/x-ndjson; charset=utf-8', 'content-disposition': 'attachment; filename="pairs.jsonl"' });
  // pipeline stops reading the workspace when the browser goes away mid-download; that is not an error worth reporting.
  pipeline(lines, res, () => undefined);
}

function parseFilter(text: string | null): PairFilter {
  if (text === null) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new PivotError('INVALID_REQUEST', 'The filter parameter must be a JSON pair filter, e.g. {"status":["accepted"]}.');
  }
  const parsed = pairFilterSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PivotError('INVALID_REQUEST', `The filter parameter's field "${issue?.path.join('.') ?? ''}" ${issue?.message ?? 'is invalid'}.`);
  }
  return parsed.data;
}
