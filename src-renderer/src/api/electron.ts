// The Electron transport: the preload bridge `window.pivot` (contextBridge), images through `pivot-image://`.
import { IMAGE_PROTOCOL, type PreloadBridge } from '../../../src-shared/ipc/wire';
import { reportFilePathname } from '../../../src-shared/domain/report-paths';
import type { Transport } from './transport';

export function createElectronTransport(bridge: PreloadBridge): Transport {
  return {
    kind: 'electron',
    invoke: (channel, request) => bridge.invoke(channel, request),
    on: (event, listener) => bridge.on(event, listener),
    imageUrl: (hash, thumb) => `${IMAGE_PROTOCOL}://image/${encodeURIComponent(hash)}${thumb ? '?thumb=1' : ''}`,
    reportFileUrl: (name, file) => `${IMAGE_PROTOCOL}://report/${reportFilePathname(name, file)}`,
  };
}
