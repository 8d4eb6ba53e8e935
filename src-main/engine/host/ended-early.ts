// What a one-job engine host (probe, export, study) says when it exits without answering: how it ended and its
// last lines of output (a fatal error's report is usually there), one message for every job.
import { PivotError } from '../../../src-shared/errors';
import type { EngineHost } from './engine-host';

/** How many host output lines the message quotes. */
const TAIL_LINES = 5;

/** Starts keeping the host's last output lines; call the result when it has ended early. */
export function keepOutputTail(host: EngineHost): () => string {
  const lines: string[] = [];
  host.onOutput((_stream, line) => {
    lines.push(line);
    if (lines.length > TAIL_LINES) lines.shift();
  });
  return () => lines.join('\n');
}

/** `The engine host ended (<how>) <during>.` and the output tail, as an INTERNAL error. */
export function endedEarlyError(code: number | null, signal: string | null, error: Error | undefined, during: string, tail: string): PivotError {
  const how = error ? error.message : signal ? `signal ${signal}` : `exit code ${code}`;
  return new PivotError('INTERNAL', `The engine host ended (${how}) ${during}.${tail ? `\n${tail}` : ''}`);
}
