// `pivot-image://image/<sha256>[?thumb=1]`: workspace images for the window, by content hash only, so the page
// can never name a file path.
import { pathToFileURL } from 'node:url';
import { net, protocol } from 'electron';
import { IMAGE_HASH_PATTERN, IMAGE_PROTOCOL } from '../../src-shared/ipc/wire';
import type { Workspace } from '../store/workspace';

export function registerImageSchemePrivileges(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: IMAGE_PROTOCOL, privileges: { standard: true, secure: true } }]);
}

export function handleImageProtocol(workspace: () => Workspace): void {
  protocol.handle(IMAGE_PROTOCOL, async (request) => {
    const url = new URL(request.url);
    const hash = url.pathname.replace(/^\//, '');
    const ws = workspace();
    const format = url.host === 'image' && IMAGE_HASH_PATTERN.test(hash) ? ws.pairs.imageFormat(hash) : undefined;
    if (!format) return new Response('not found', { status: 404 });
    const path = url.searchParams.get('thumb') === '1' ? await ws.images.thumbnail(hash, format) : ws.images.pathFor(hash, format);
    return net.fetch(pathToFileURL(path).toString());
  });
}
