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

function notFound(): Response {
  return new Response('not found', { status: 404 });
}

async function reportFile(ws: Workspace, url: URL): Promise<Response> {
  const parsed = parseReportFilePathname(url.pathname.replace(/^\//, ''));
  if (!parsed) return notFound();
  const file = await net.fetch(pathToFileURL(await realReportFilePath(ws.dir, parsed.name, parsed.file)).toString());
  if (!file.ok) return notFound();
  return new Response(file.body, {
    status: 200,
    headers: { 'content-type': reportFileMime(parsed.file), 'access-control-allow-origin': '*', 'x-content-type-options': 'nosniff' },
  });
}

async function workspaceImage(ws: Workspace, url: URL): Promise<Response> {
  const hash = url.pathname.replace(/^\//, '');
  const format = url.host === 'image' && IMAGE_HASH_PATTERN.test(hash) ? ws.pairs.imageFormat(hash) : undefined;
  if (!format) return notFound();
  const path = url.searchParams.get('thumb') === '1' ? await ws.images.thumbnail(hash, format) : ws.images.pathFor(hash, format);
  const file = await net.fetch(pathToFileURL(path).toString());
  return file.ok ? file : notFound();
}

export function handleImageProtocol(workspace: () => Workspace): void {
  protocol.handle(IMAGE_PROTOCOL, async (request) => {
    const url = new URL(request.url);
    // A file gone from disk, a link out of the reports folder, a thumbnail that cannot be made, no open workspace:
    // the picture is not there, and the page shows it as missing.
    try {
      const ws = workspace();
      return await (url.host === 'report' ? reportFile(ws, url) : workspaceImage(ws, url));
    } catch {
      return notFound();
    }
  });
}
