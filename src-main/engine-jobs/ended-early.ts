// What main says when an engine host ends without answering, whatever its job: how it ended, out of memory when its
// last words say so, and its last lines of output (a fatal error's report is usually there).
import { PivotError } from '../../src-shared/errors';

/** Host output lines kept, to look for out-of-memory in. */
export const TAIL_LINES = 20;
/** How many of them the message quotes. */
const QUOTED_LINES = 5;
/** V8's and the allocators' last words when memory runs out. */
const OUT_OF_MEMORY = /heap out of memory|Reached heap limit|out of memory|Cannot allocate memory|std::bad_alloc/i;

/**
 * The error for a host that ended (`code` / `signal`, or `error` when it could not be started) `during` its job —
 * e.g. "before the export finished; nothing was exported" — given its last output lines: OUT_OF_MEMORY when they
 * say so, INTERNAL otherwise.
 */
export function endedEarlyError(code: number | null, signal: string | null, error: Error | undefined, during: string, tail: readonly string[]): PivotError {
  if (error && code === null && signal === null) return new PivotError('INTERNAL', `The engine host could not be started: ${error.message}`);
  const how = signal !== null ? `was killed by ${signal}` : `exited with code ${code}`;
  const last = tail.slice(-QUOTED_LINES).join('\n');
  const quoted = last ? `\n${last}` : '';
  if (tail.some((line) => OUT_OF_MEMORY.test(line))) {
    return new PivotError('OUT_OF_MEMORY', `The engine ran out of memory and its host ${how} ${during}: use a smaller model, batch or image size, or another backend.${quoted}`);
  }
  return new PivotError('INTERNAL', `The engine host crashed: it ${how} ${during}.${quoted}`);
}
