// Which backends the engine can train on here, asked of a fresh engine host: probing loads tfjs, wasm and the cuda
// addon, which must not happen in main (a broken addon would take the window down with it).
import { PivotError } from '../../../src-shared/errors';
import type { BackendInfo, BackendReport } from '../../../src-shared/domain/runs';
import { endedEarlyError, keepOutputTail } from './ended-early';
import type { HostLauncher } from './engine-host';

/** Asks a fresh host for every backend's standing, and says which one a run without `backend` gets and why. */
export function probeBackends(launch: HostLauncher): Promise<BackendReport> {
  return new Promise<BackendReport>((resolve, reject) => {
    const host = launch();
    const tail = keepOutputTail(host);
    let answered = false;
    host.onMessage((message) => {
      if (message.type === 'backends') {
        answered = true;
        resolve({ backends: message.backends, picked: pickBackend(message.backends) });
      } else if (message.type === 'failed') {
        answered = true;
        reject(PivotError.fromJSON(message.error));
      }
    });
    host.onExit((code, signal, error) => {
      if (!answered) reject(endedEarlyError(code, signal, error, 'while probing backends', tail()));
    });
    host.send({ type: 'backends' });
  });
}

/** The first available backend (they come best first), with the same reasoning the engine gives when it selects. */
export function pickBackend(backends: readonly BackendInfo[]): BackendReport['picked'] {
  const passedOver: string[] = [];
  for (const b of backends) {
    if (!b.available) {
      passedOver.push(`${b.name}: ${b.reason}`);
      continue;
    }
    const why = passedOver.length > 0 ? ` (passed over ${passedOver.join('; ')})` : '';
    return { name: b.name, reason: `best available: ${b.reason}${why}` };
  }
  return null;
}
