// An encoder export on a fresh engine host: loading tfjs and the weights, writing and re-loading the folder all
// happen there, never on main's event loop, and beside any training run (each job has its own host process).
import { PivotError } from '../../../src-shared/errors';
import type { ExportReport } from '../export';
import type { HostLauncher } from './engine-host';
import type { HostExportOptions } from './protocol';

/** How many host output lines a crash's message quotes. */
const TAIL_LINES = 5;

/**
 * Resolves with what the host wrote, or rejects with the host's own error (or, when it died without one, how it
 * ended and its last output). `onExporting` hears the backend once the host has one and starts writing.
 */
export function exportInHost(launch: HostLauncher, options: HostExportOptions, onExporting?: (backend: string) => void): Promise<ExportReport> {
  return new Promise<ExportReport>((resolve, reject) => {
    const host = launch();
    const output: string[] = [];
    let answered = false;
    host.onOutput((_stream, line) => {
      output.push(line);
      if (output.length > TAIL_LINES) output.shift();
    });
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
      if (answered) return;
      const how = error ? error.message : signal ? `signal ${signal}` : `exit code ${code}`;
      const tail = output.join('\n');
      reject(new PivotError('INTERNAL', `The engine host ended (${how}) before the export finished; nothing was exported.${tail ? `\n${tail}` : ''}`));
    });
    host.send({ type: 'export', options });
  });
}
