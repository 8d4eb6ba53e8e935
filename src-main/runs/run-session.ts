// One run on one engine host: starts the host, records what it reports (status, metrics in batches, log) in the
// workspace, forwards it as `run:event` / `run:status`, passes pause / resume / cancel on, and ends the run with the
// right status — a host that dies without reporting is `crashed`, with its exit code or signal, never silently lost.
import type { EventName, Events } from '../../src-shared/ipc/contract';
import type { RunInfo, RunLogLevel, RunProgress, RunStatus } from '../../src-shared/domain/runs';
import type { HostLauncher } from '../engine/host/engine-host';
import type { TrainJobOptions } from '../engine/jobs/train';
import type { RunEvent } from '../engine/train/api';
import { startEngineJob, type EngineJob, type JobEnd } from '../engine-jobs/engine-job';
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

export class RunSession {
  /** Resolves with the run's final record once it has ended, whatever the way. */
  readonly finished: Promise<RunInfo>;
  private resolveFinished: (run: RunInfo) => void = () => undefined;
  private job: EngineJob<'train'> | null = null;
  private cancelRequested = false;
  private readonly axis = new RunAxis();
  private pending: MetricRow[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private stageInfo: { number: number; of: number } = { number: 1, of: 1 };
  private progress: RunProgress | null = null;

  constructor(
    private readonly store: RunStore,
    readonly runId: number,
    private readonly options: RunSessionOptions,
  ) {
    this.finished = new Promise<RunInfo>((resolve) => (this.resolveFinished = resolve));
  }

  /** Launches the host and hands it the run. */
  start(trainOptions: TrainJobOptions): void {
    const job = startEngineJob(this.options.launch, 'train', trainOptions, {
      onProgress: (event) => this.event(event),
      onState: (state) => {
        if (state === 'stopping') this.log('info', 'Stopping at the next step; the last checkpoint is kept.');
        else if (!this.cancelRequested) this.setStatus(state);
      },
      onOutput: (stream, line) => this.log(stream === 'stderr' ? 'warn' : 'info', line),
      during: 'before the run finished',
      cancelGraceMs: this.options.cancelGraceMs,
    });
    this.job = job;
    void job.ended.then((end) => this.ended(end));
    this.setStatus('running', { startedAt: new Date().toISOString() });
    this.log('info', `Engine host started (pid ${job.pid ?? '?'}): recipe ${trainOptions.recipe}` +
      `${trainOptions.objective ? `, ${trainOptions.objective}` : ''}${trainOptions.backend ? `, backend ${trainOptions.backend}` : ''}.`);
  }

  pause(): void {
    this.job?.pause();
  }

  resume(): void {
    this.job?.resume();
  }

  /** Asks the run to stop at its next step; a host that has not ended after the grace period is killed. */
  cancel(): void {
    if (this.cancelRequested || !this.job) return;
    this.cancelRequested = true;
    this.job.cancel();
  }

  /** Kills the host now (a second Ctrl+C): the run ends cancelled with whatever checkpoint was last written. */
  stopNow(): void {
    if (!this.job) return;
    this.cancelRequested = true;
    this.job.stopNow();
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

  private ended(end: JobEnd<'train'>): void {
    this.flush();
    const endedAt = new Date().toISOString();
    let run: RunInfo;
    if (end.type === 'done') {
      const { result } = end;
      const status: RunStatus = result.cancelled ? 'cancelled' : 'completed';
      run = this.setStatus(status, { endedAt, result, objective: result.objective, backend: result.backend, error: null });
      this.log('info', result.cancelled ? `Cancelled; the last checkpoint is ${result.finalCheckpoint}.` : `Completed: ${result.finalCheckpoint}`);
    } else if (end.type === 'failed') {
      const stack = (end.error.details as { stack?: unknown } | undefined)?.stack;
      this.log('error', typeof stack === 'string' ? stack : end.error.message);
      run = this.setStatus('failed', { endedAt, error: end.error.message });
    } else if (end.type === 'cancelled') {
      const message = end.killed === 'grace'
        ? `The run did not stop within ${Math.round(this.options.cancelGraceMs / 1000)} s of being cancelled, so its engine host was stopped; the last checkpoint written is kept.`
        : 'Stopped at once on request; the last checkpoint written is kept.';
      this.log('warn', message);
      run = this.setStatus('cancelled', { endedAt, error: message });
    } else {
      this.log('error', end.error.message);
      run = this.setStatus('crashed', { endedAt, error: end.error.message });
    }
    this.job = null;
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
