// The engine host's line to the process that started it: Node's IPC channel under child_process.fork, or
// `process.parentPort` under Electron's utilityProcess.fork. The host code is the same for both.
import type { FromHost, ToHost } from './protocol';

export interface ParentLink {
  /** Resolves once the message is handed to the channel, so the host can exit right after its last one. */
  send(message: FromHost): Promise<void>;
  onMessage(listener: (message: ToHost) => void): void;
  /** The parent went away (Node only: a utility process ends with its parent). */
  onDisconnect(listener: () => void): void;
}

/** The part of Electron's ParentPort the host uses (src-main/engine never imports electron). */
interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

export function linkToParent(): ParentLink {
  const port = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
  if (port) {
    return {
      send: (message) => {
        port.postMessage(message);
        return Promise.resolve();
      },
      onMessage: (listener) => port.on('message', (event) => listener(event.data as ToHost)),
      onDisconnect: () => undefined,
    };
  }
  const send = process.send?.bind(process);
  if (!send) {
    throw new Error('The engine host runs only as a child of PIVOT Studio (it has no channel to a parent process).');
  }
  return {
    send: (message) =>
      new Promise<void>((resolve) => {
        // A parent that is already gone cannot be told anything more; the host still exits normally.
        if (!process.connected) return resolve();
        send(message, undefined, {}, () => resolve());
      }),
    onMessage: (listener) => process.on('message', (message) => listener(message as ToHost)),
    onDisconnect: (listener) => process.on('disconnect', listener),
  };
}
