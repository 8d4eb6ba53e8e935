// An encoder export on a fresh engine host: loading tfjs and the weights, writing and re-loading the folder all
// happen there, never on main's event loop, and beside any training run (each job has its own host process).
import { PivotError } from '../../../src-shared/errors';
import type { ExportReport } from '../export';
import type { HostLauncher } from './engine-host';
import { endedEarlyError, keepOutputTail } from './ended-early';
import type { HostExportOptions } from './protocol';

/**
 * Resolves with what the host wrote, or rejects with the host's own error (or, when it died without one, how it
 * ended and its last output). `onExporting` hears the backend once the host has one and starts writing.
 */
export function exportInHost(launch: HostLauncher, options: HostExportOptions, onExporting?: (backend: string) => void): Promise<ExportReport> {
  return new Promise<ExportReport>((resolve, reject) => {
    const host = launch();
    const tail = keepOutputTail(host);
    let answered = false;
    host.onMessage((message) => {
      if (message.type === 'exporting') {
        onExporting?.(message.backend);
      } else if (message.type === 'exported') {
        answered = true;
        resolve(message.report);
      } else if (message.type === 'failed') {
        answered = true;
        reject(PivotError.fromJSON(message.error));
      }
    });
    host.onExit((code, signal, error) => {
      if (!answered) reject(endedEarlyError(code, signal, error, 'before the export finished; nothing was exported', tail()));
    });
    host.send({ type: 'export', options });
  });
}
