// `pivot-image://image/<sha256>[?thumb=1]`: workspace images for the window, by content hash only, and
// `pivot-image://report/<name>/examples/<file>`: a study report's example pictures, by report and file name only —
// so the page can never name a file path.
import { pathToFileURL } from 'node:url';
import { net, protocol } from 'electron';
import { IMAGE_HASH_PATTERN, IMAGE_PROTOCOL } from '../../src-shared/ipc/wire';
import { parseReportFilePathname } from '../../src-shared/domain/report-paths';
import { realReportFilePath, reportFileMime } from '../reports/report-files';
import type { Workspace } from '../store/workspace';

export function registerImageSchemePrivileges(): void {
  // corsEnabled: the segmentation viewer reads class-id pixels of report PNGs from a canvas (crossOrigin images).
  protocol.registerSchemesAsPrivileged([{ scheme: IMAGE_PROTOCOL, privileges: { standard: true, secure: true, corsEnabled: true } }]);
}

async function reportFile(ws: Workspace, url: URL): Promise<Response> {
  const parsed = parseReportFilePathname(url.pathname.replace(/^\//, ''));
  const path = parsed ? await realReportFilePath(ws.dir, parsed.name, parsed.file).catch(() => null) : null;
  if (!parsed || !path) return new Response('not found', { status: 404 });
  const file = await net.fetch(pathToFileURL(path).toString());
  if (!file.ok) return new Response('not found', { status: 404 });
  return new Response(file.body, {
    status: 200,
    headers: { 'content-type': reportFileMime(parsed.file), 'access-control-allow-origin': '*', 'x-content-type-options': 'nosniff' },
  });
}

export function handleImageProtocol(workspace: () => Workspace): void {
  protocol.handle(IMAGE_PROTOCOL, async (request) => {
    const url = new URL(request.url);
    const ws = workspace();
    if (url.host === 'report') return reportFile(ws, url);
    const hash = url.pathname.replace(/^\//, '');
    const format = url.host === 'image' && IMAGE_HASH_PATTERN.test(hash) ? ws.pairs.imageFormat(hash) : undefined;
    if (!format) return new Response('not found', { status: 404 });
    const path = url.searchParams.get('thumb') === '1' ? await ws.images.thumbnail(hash, format) : ws.images.pathFor(hash, format);
    return net.fetch(pathToFileURL(path).toString());
  });
}
