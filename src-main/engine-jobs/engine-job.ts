// Main's one road to an engine job of any kind: launches a host, hands it the job, streams its typed progress, passes
// pause / resume / cancel on (a kind that stops at a step is killed only after a grace period, any other at once),
// and settles exactly once, after the host has exited — so nothing the job writes comes after its end.
import { PivotError, type ErrorData } from '../../src-shared/errors';
import type { EngineHost, HostLauncher } from './engine-host';
import type { FromHost } from '../engine/host/protocol';
import { JOBS, type JobKindName, type JobOptions, type JobProgress, type JobResult } from '../engine/jobs/registry';
import { endedEarlyError, TAIL_LINES } from './ended-early';

/** How a job ended: its result, its own error, cancelled (killed by this side, when it was), or crashed. */
export type JobEnd<K extends JobKindName> =
  | { type: 'done'; result: JobResult<K> }
  | { type: 'failed'; error: ErrorData }
  /** `killed`: why this side killed the host — the grace period after cancel ran out, or a cancel / stop at once. */
  | { type: 'cancelled'; killed: 'grace' | 'request' }
  /** The host ended without answering: how, out of memory when it says so, and its last output. */
  | { type: 'crashed'; error: PivotError };

export interface EngineJobOptions<K extends JobKindName> {
  onProgress?: (progress: JobProgress<K>) => void;
  /** The host's acknowledgement of pause / resume / cancel. */
  onState?: (state: 'paused' | 'running' | 'stopping') => void;
  /** Every line the host printed (its output tail is kept for a crash's message either way). */
  onOutput?: (stream: 'stdout' | 'stderr', line: string) => void;
  /** What was under way, for a crash's message: "before the export finished; nothing was exported". */
  during: string;
  /** How long a cancelled job that stops at a step may take before its host is killed (default 60 s). */
  cancelGraceMs?: number;
}

export interface EngineJob<K extends JobKindName> {
  readonly pid: number | undefined;
  /** Resolves once, after the host has exited. */
  readonly ended: Promise<JobEnd<K>>;
  pause(): void;
  resume(): void;
  /** Stops the job: at its next step (then killed after the grace period), or at once for a kind without steps. */
  cancel(): void;
  /** Kills the host now. */
  stopNow(): void;
}

const DEFAULT_CANCEL_GRACE_MS = 60_000;

/** Starts `kind` on a fresh host (a launcher that throws, throws here: nothing was started). */
export function startEngineJob<K extends JobKindName>(launch: HostLauncher, kind: K, options: JobOptions<K>, opts: EngineJobOptions<K>): EngineJob<K> {
  const host: EngineHost = launch();
  const tail: string[] = [];
  let answer: JobEnd<K> | null = null;
  let cancelled = false;
  let killed: 'grace' | 'request' | null = null;
  let graceTimer: ReturnType<typeof setTimeout> | null = null;
  const kill = (why: 'grace' | 'request'): void => {
    killed ??= why;
    host.kill();
  };
  host.onOutput((stream, line) => {
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
    opts.onOutput?.(stream, line);
  });
  host.onMessage((raw) => {
    const message = raw as FromHost<K>;
    if (answer) return;
    if (message.type === 'progress') {
      // A job being killed says nothing more worth hearing.
      if (killed === null) opts.onProgress?.(message.progress);
    } else if (message.type === 'state') opts.onState?.(message.state);
    else if (message.type === 'done') answer = { type: 'done', result: message.result };
    else answer = { type: 'failed', error: message.error };
  });
  const ended = new Promise<JobEnd<K>>((resolve) => {
    host.onExit((code, signal, error) => {
      if (graceTimer) clearTimeout(graceTimer);
      if (answer) resolve(answer);
      else if (killed !== null) resolve({ type: 'cancelled', killed });
      else resolve({ type: 'crashed', error: endedEarlyError(code, signal, error, opts.during, tail) });
    });
  });
  host.send({ type: 'job', kind, options } as Parameters<EngineHost['send']>[0]);
  return {
    pid: host.pid,
    ended,
    pause: () => host.send({ type: 'pause' }),
    resume: () => host.send({ type: 'resume' }),
    cancel() {
      if (cancelled || answer) return;
      cancelled = true;
      if (JOBS[kind].cancel === 'kill') return kill('request');
      host.send({ type: 'cancel' });
      graceTimer = setTimeout(() => kill('grace'), opts.cancelGraceMs ?? DEFAULT_CANCEL_GRACE_MS);
    },
    stopNow() {
      cancelled = true;
      kill('request');
    },
  };
}

/** The job's result; null when it was cancelled; its own error, or how its host ended, thrown. */
export async function jobResult<K extends JobKindName>(job: EngineJob<K>): Promise<JobResult<K> | null> {
  const end = await job.ended;
  if (end.type === 'done') return end.result;
  if (end.type === 'cancelled') return null;
  throw end.type === 'failed' ? PivotError.fromJSON(end.error) : end.error;
}

/** The result of a job this side never cancels (an export, a probe): its own error, or how its host ended, thrown. */
export async function jobAnswer<K extends JobKindName>(job: EngineJob<K>): Promise<JobResult<K>> {
  const result = await jobResult(job);
  if (result === null) throw new PivotError('INTERNAL', 'The engine job was cancelled, though nothing here cancels it.');
  return result;
}
