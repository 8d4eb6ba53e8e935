// One run on one engine host: starts the host, records what it reports (status, metrics in batches, log) in the
// workspace, forwards it as `run:event` / `run:status`, passes pause / resume / cancel on, and ends the run with the
// right status — a host that dies without reporting is `crashed`, with its exit code or signal, never silently lost.
import type { EventName, Events } from '../../src-shared/ipc/contract';
import type { ErrorData } from '../../src-shared/errors';
import type { RunInfo, RunLogLevel, RunProgress, RunStatus } from '../../src-shared/domain/runs';
import type { EngineHost, HostLauncher } from '../engine/host/engine-host';
import type { FromHost, HostTrainOptions } from '../engine/host/protocol';
import type { RunEvent, TrainResult } from '../engine/train/api';
import type { MetricRow, RunStore } from '../store/runs';
import { RunAxis } from './run-axis';

export type EmitEvent = <E extends EventName>(event: E, payload: Events[E]) => void;

export interface RunSessionOptions {
  launch: HostLauncher;
  emit: EmitEvent;
  /** How long a cancelled run may take to stop (and write its checkpoint) before its host is killed. */
  cancelGraceMs: number;
  /** Metrics are written at most this often (and at every stage change and at the end). */
  flushMs?: number;
}

const FLUSH_MS = 250;
const FLUSH_ROWS = 500;
/** Host output lines kept for the message of a crash. */
const TAIL_LINES = 20;
/** V8's and the allocators' last words when memory runs out. */
const OUT_OF_MEMORY = /heap out of memory|Reached heap limit|out of memory|Cannot allocate memory|std::bad_alloc/i;

type Outcome = { kind: 'done'; result: TrainResult } | { kind: 'failed'; error: ErrorData };

export class RunSession {
  /** Resolves with the run's final record once it has ended, whatever the way. */
  readonly finished: Promise<RunInfo>;
  private resolveFinished: (run: RunInfo) => void = () => undefined;
  private host: EngineHost | null = null;
  private outcome: Outcome | null = null;
  private cancelRequested = false;
  /** Why this side killed the host, if it did: the grace period after cancel ran out, or a stop at once was asked. */
  private killed: 'grace' | 'request' | null = null;
  private graceTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly axis = new RunAxis();
  private pending: MetricRow[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private stageInfo: { number: number; of: number } = { number: 1, of: 1 };
  private progress: RunProgress | null = null;
  private readonly tail: string[] = [];

  constructor(
    private readonly store: RunStore,
    readonly runId: number,
    private readonly options: RunSessionOptions,
  ) {
    this.finished = new Promise<RunInfo>((resolve) => (this.resolveFinished = resolve));
  }

  /** Launches the host and hands it the run. */
  start(trainOptions: HostTrainOptions): void {
    const host = this.options.launch();
    this.host = host;
    host.onMessage((message) => this.receive(message));
    host.onOutput((stream, line) => this.output(stream, line));
    host.onExit((code, signal, error) => this.exited(code, signal, error));
    this.setStatus('running', { startedAt: new Date().toISOString() });
    this.log('info', `Engine host started (pid ${host.pid ?? '?'}): recipe ${trainOptions.recipe}` +
      `${trainOptions.objective ? `, ${trainOptions.objective}` : ''}${trainOptions.backend ? `, backend ${trainOptions.backend}` : ''}.`);
    host.send({ type: 'start', options: trainOptions });
  }

  pause(): void {
    this.host?.send({ type: 'pause' });
  }

  resume(): void {
    this.host?.send({ type: 'resume' });
  }

  /** Asks the run to stop at its next step; a host that has not ended after the grace period is killed. */
  cancel(): void {
    if (this.cancelRequested || !this.host) return;
    this.cancelRequested = true;
    this.host.send({ type: 'cancel' });
    this.graceTimer = setTimeout(() => {
      this.killed = 'grace';
      this.host?.kill();
    }, this.options.cancelGraceMs);
  }

  /** Kills the host now (a second Ctrl+C): the run ends cancelled with whatever checkpoint was last written. */
  stopNow(): void {
    if (!this.host) return;
    this.cancelRequested = true;
    this.killed ??= 'request';
    this.host.kill();
  }

  private receive(message: FromHost): void {
    switch (message.type) {
      case 'event':
        return this.event(message.event);
      case 'state':
        if (message.state === 'stopping') this.log('info', 'Stopping at the next step; the last checkpoint is kept.');
        else if (!this.cancelRequested) this.setStatus(message.state);
        return;
      case 'done':
        this.outcome = { kind: 'done', result: message.result };
        return;
      case 'failed':
        this.outcome = { kind: 'failed', error: message.error };
        return;
      case 'backends':
        return;
    }
  }

  private event(event: RunEvent): void {
    switch (event.type) {
      case 'stage':
        this.flush();
        this.stageInfo = { number: event.index, of: event.of };
        this.options.emit('run:event', { runId: this.runId, event });
        this.log('info', `Stage ${event.index}/${event.of}: ${event.stage} (${event.totalSteps} steps)`);
        return;
      case 'metrics': {
        const place = this.axis.place(event.stage, event.step, event.elapsedMs);
        this.pending.push({ stage: event.stage, step: event.step, elapsedMs: event.elapsedMs, ...place, values: event.values });
        this.progress = { stage: event.stage, stageNumber: this.stageInfo.number, stages: this.stageInfo.of, step: event.step, totalSteps: event.totalSteps };
        this.options.emit('run:event', { runId: this.runId, event, axis: place });
        if (this.pending.length >= FLUSH_ROWS) this.flush();
        else this.flushTimer ??= setTimeout(() => this.flush(), this.options.flushMs ?? FLUSH_MS);
        return;
      }
      case 'checkpoint':
        this.flush();
        this.options.emit('run:event', { runId: this.runId, event });
        this.log('info', `Checkpoint of ${event.stage} at step ${event.step}: ${event.path}`);
        return;
      case 'log':
        this.log(event.level, event.message);
        return;
    }
  }

  /** The engine's prints: kept in the log (stderr as warnings) and, the last lines, for a crash's message. */
  private output(stream: 'stdout' | 'stderr', line: string): void {
    this.tail.push(line);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
    this.log(stream === 'stderr' ? 'warn' : 'info', line);
  }

  private exited(code: number | null, signal: string | null, error?: Error): void {
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.flush();
    const endedAt = new Date().toISOString();
    const outcome = this.outcome;
    let run: RunInfo;
    if (outcome?.kind === 'done') {
      const { result } = outcome;
      const status: RunStatus = result.cancelled ? 'cancelled' : 'completed';
      run = this.setStatus(status, { endedAt, result, objective: result.objective, backend: result.backend, error: null });
      this.log('info', result.cancelled ? `Cancelled; the last checkpoint is ${result.finalCheckpoint}.` : `Completed: ${result.finalCheckpoint}`);
    } else if (outcome?.kind === 'failed') {
      const stack = (outcome.error.details as { stack?: unknown } | undefined)?.stack;
      this.log('error', typeof stack === 'string' ? stack : outcome.error.message);
      run = this.setStatus('failed', { endedAt, error: outcome.error.message });
    } else if (this.killed !== null) {
      const message = this.killed === 'grace'
        ? `The run did not stop within ${Math.round(this.options.cancelGraceMs / 1000)} s of being cancelled, so its engine host was stopped; the last checkpoint written is kept.`
        : 'Stopped at once on request; the last checkpoint written is kept.';
      this.log('warn', message);
      run = this.setStatus('cancelled', { endedAt, error: message });
    } else {
      const message = crashMessage(code, signal, error, this.tail);
      this.log('error', message);
      run = this.setStatus('crashed', { endedAt, error: message });
    }
    this.host = null;
    this.resolveFinished(run);
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    this.store.appendMetrics(this.runId, rows);
    this.store.update(this.runId, { progress: this.progress });
  }

  private setStatus(status: RunStatus, fields: Parameters<RunStore['update']>[1] = {}): RunInfo {
    const run = this.store.update(this.runId, { ...fields, status });
    this.options.emit('run:status', { run });
    return run;
  }

  /**
   * A line in the run's log, also sent live as a `log` event with its id (so the window can merge it with the log it
   * fetched); errors travel as warnings there, the engine's log levels being info and warn.
   */
  private log(level: RunLogLevel, message: string): void {
    const [entry] = this.store.appendLogs(this.runId, [{ level, message }]);
    this.options.emit('run:event', {
      runId: this.runId,
      event: { type: 'log', level: level === 'error' ? 'warn' : level, message },
      ...(entry ? { logId: entry.id } : {}),
    });
  }
}

/** Why a host ended without reporting: exit code or signal, out of memory when its last words say so, its output. */
export function crashMessage(code: number | null, signal: string | null, error: Error | undefined, tail: readonly string[]): string {
  if (error && code === null && signal === null) return `The engine host could not be started: ${error.message}`;
  const how = signal !== null ? `was killed by ${signal}` : `exited with code ${code}`;
  const oom = tail.some((line) => OUT_OF_MEMORY.test(line));
  const last = tail.slice(-5).join('\n');
  return oom
    ? `The engine ran out of memory and its host ${how}: use a smaller model, batch or image size, or another backend.${last ? `\n${last}` : ''}`
    : `The engine host crashed: it ${how} before the run finished.${last ? `\n${last}` : ''}`;
}
