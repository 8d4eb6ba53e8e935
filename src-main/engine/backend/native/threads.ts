// The native backend's CPU threads (its thread pool and OpenBLAS's): all cores unless a job asks for a number. The
// pool is one per process, so a number set holds until it is set again; engine jobs each run in a process of their own.
import { ENGINE_MAX_THREADS } from '../../../../src-shared/domain/runs';
import { PivotError } from '../../../../src-shared/errors';
import { nativeAddon } from './register_all';

/** Throws INVALID_REQUEST unless `threads` is an integer from 1 to ENGINE_MAX_THREADS. */
export function checkThreads(threads: unknown): asserts threads is number {
  if (!Number.isInteger(threads) || (threads as number) < 1 || (threads as number) > ENGINE_MAX_THREADS) {
    throw new PivotError('INVALID_REQUEST', `threads must be an integer from 1 to ${ENGINE_MAX_THREADS}, got ${String(threads)}.`, { threads });
  }
}

/** Runs the native backend on `threads` CPU threads from now on; without the addon there is nothing to set. */
export function applyThreads(threads: number): void {
  checkThreads(threads);
  const loaded = nativeAddon();
  if ('addon' in loaded) loaded.addon.setThreads(threads);
}
