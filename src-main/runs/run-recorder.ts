// What a training run's record in the workspace hears from the engine, in one place for every road a training takes
// (a run's own host, or a branch of a study): its status, metrics in batches, progress and log, each also forwarded
// as `run:status` / `run:event`.
import type { EventName, Events } from '../../src-shared/ipc/contract';
import type { ErrorData } from '../../src-shared/errors';
import type { RunInfo, RunLogLevel, RunProgress, RunResultData, RunStatus } from '../../src-shared/domain/runs';
import type { RunEvent } from '../engine/train/api';
import type { MetricRow, RunStore } from '../store/runs';
import { RunAxis } from './run-axis';

export type EmitEvent = <E extends EventName>(event: E, payload: Events[E]) => void;

const FLUSH_MS = 250;
const FLUSH_ROWS = 500;

export class RunRecorder {
  private readonly axis = new RunAxis();
  private pending: MetricRow[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private stageInfo: Pick<RunProgress, 'stageNumber' | 'stages' | 'plan'> = { stageNumber: 1, stages: 1 };
  private progress: RunProgress | null = null;

  /**
   * Metrics are written at most every `flushMs` (and at every stage change and at the end). `resumed`: the run trains
   * on in its folder, so what it recorded past its last checkpoint gives way to the steps trained again.
   */
  constructor(
    private readonly store: RunStore,
    readonly runId: number,
    private readonly emit: EmitEvent,
    private readonly flushMs = FLUSH_MS,
    private resumed = false,
  ) {}

  event(event: RunEvent): void {
    switch (event.type) {
      case 'stage':
        this.flush();
        this.stageInfo = { stageNumber: event.index, stages: event.of, ...(event.plan ? { plan: event.plan } : {}) };
        this.emit('run:event', { runId: this.runId, event });
        this.log('info', `Stage ${event.index}/${event.of}: ${event.stage} (${event.totalSteps} steps)`);
        return;
      case 'metrics': {
        if (this.resumed) this.continueAt(event.stage, event.step);
        const place = this.axis.place(event.stage, event.step, event.elapsedMs);
        this.pending.push({ stage: event.stage, step: event.step, elapsedMs: event.elapsedMs, ...place, values: event.values });
        this.progress = { stage: event.stage, ...this.stageInfo, step: event.step, totalSteps: event.totalSteps };
        this.emit('run:event', { runId: this.runId, event, axis: place });
        if (this.pending.length >= FLUSH_ROWS) this.flush();
        else this.flushTimer ??= setTimeout(() => this.flush(), this.flushMs);
        return;
      }
      case 'checkpoint':
        this.flush();
        this.emit('run:event', { runId: this.runId, event });
        this.log('info', `Checkpoint of ${event.stage} at step ${event.step}: ${event.path}`);
        return;
      case 'log':
        this.log(event.level, event.message);
        return;
    }
  }

  /** The first step a resumed run trains: its metrics from there on are dropped and its axis continues before them. */
  private continueAt(stage: string, step: number): void {
    this.resumed = false;
    const last = this.store.dropMetricsFrom(this.runId, stage, step);
    if (last) this.axis.continueFrom(last);
    this.log('info', `Resumed from step ${step - 1} of stage ${stage}.`);
  }

  /** The engine's answer: completed, or cancelled at a step with its last checkpoint. */
  finish(result: RunResultData): RunInfo {
    this.flush();
    const run = this.setStatus(result.cancelled ? 'cancelled' : 'completed', {
      endedAt: new Date().toISOString(), result, objective: result.objective, backend: result.backend, error: null,
    });
    this.log('info', result.cancelled ? `Cancelled; the last checkpoint is ${result.finalCheckpoint}.` : `Completed: ${result.finalCheckpoint}`);
    return run;
  }

  /** Ended some other way: `failed` with the job's own error (an unexpected one's stack in the log), or `status`. */
  end(status: Exclude<RunStatus, 'completed' | 'queued' | 'running' | 'paused'>, error: Pick<ErrorData, 'message' | 'details'>, level: RunLogLevel = 'error'): RunInfo {
    this.flush();
    const stack = (error.details as { stack?: unknown } | undefined)?.stack;
    this.log(level, typeof stack === 'string' ? stack : error.message);
    return this.setStatus(status, { endedAt: new Date().toISOString(), error: error.message });
  }

  /** The engine's prints: kept in the log, stderr as warnings. */
  output(stream: 'stdout' | 'stderr', line: string): void {
    this.log(stream === 'stderr' ? 'warn' : 'info', line);
  }

  /** Writes the metrics not yet written. */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    this.store.appendMetrics(this.runId, rows);
    this.store.update(this.runId, { progress: this.progress });
  }

  setStatus(status: RunStatus, fields: Parameters<RunStore['update']>[1] = {}): RunInfo {
    const run = this.store.update(this.runId, { ...fields, status });
    this.emit('run:status', { run });
    return run;
  }

  /**
   * A line in the run's log, also sent live as a `log` event with its id (so the window can merge it with the log it
   * fetched); errors travel as warnings there, the engine's log levels being info and warn.
   */
  log(level: RunLogLevel, message: string): void {
    const [entry] = this.store.appendLogs(this.runId, [{ level, message }]);
    this.emit('run:event', {
      runId: this.runId,
      event: { type: 'log', level: level === 'error' ? 'warn' : level, message },
      ...(entry ? { logId: entry.id } : {}),
    });
  }
}
