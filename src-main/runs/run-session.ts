// One run on one engine host (the `train` job): records what it reports in the workspace (RunRecorder), passes
// pause / resume / cancel on, and ends the run with the right status — a host that dies without reporting is
// `crashed`, with its exit code or signal and out-of-memory when so, never silently lost.
import type { RunInfo } from '../../src-shared/domain/runs';
import type { HostLauncher } from '../engine-jobs/engine-host';
import type { TrainJobOptions } from '../engine/jobs/train';
import { startEngineJob, type EngineJob, type JobEnd } from '../engine-jobs/engine-job';
import type { RunStore } from '../store/runs';
import { RunRecorder, type EmitEvent } from './run-recorder';
import { writeRunLaunch } from './run-config';

export type { EmitEvent } from './run-recorder';

export interface RunSessionOptions {
  launch: HostLauncher;
  emit: EmitEvent;
  /** How long a cancelled run may take to stop (and write its checkpoint) before its host is killed. */
  cancelGraceMs: number;
  /** Metrics are written at most this often (and at every stage change and at the end). */
  flushMs?: number;
  /** The run trains on from its folder's last checkpoint (see RunRecorder). */
  resumed?: boolean;
}

export class RunSession {
  /** Resolves with the run's final record once it has ended, whatever the way. */
  readonly finished: Promise<RunInfo>;
  private resolveFinished: (run: RunInfo) => void = () => undefined;
  private job: EngineJob<'train'> | null = null;
  private cancelRequested = false;
  /** Who asked for the last pause, resume or cancel, as the log names them; the engine acts at its next step. */
  private askedBy: string | null = null;
  private paused = false;
  private readonly record: RunRecorder;

  constructor(
    store: RunStore,
    readonly runId: number,
    private readonly options: RunSessionOptions,
  ) {
    this.finished = new Promise<RunInfo>((resolve) => (this.resolveFinished = resolve));
    this.record = new RunRecorder(store, runId, options.emit, options.flushMs, options.resumed);
  }

  /** Launches the host and hands it the run. */
  start(trainOptions: TrainJobOptions): void {
    const startedAt = new Date().toISOString();
    writeRunLaunch(trainOptions, startedAt);
    const job = startEngineJob(this.options.launch, 'train', trainOptions, {
      onProgress: (event) => this.record.event(event),
      onState: (state) => {
        const from = this.askedBy ? ` from ${this.askedBy}` : '';
        if (state === 'stopping') this.record.log('info', `Cancelled${from}: stopping at the next step; the last checkpoint is kept.`);
        else if (!this.cancelRequested) {
          if (state === 'paused') this.record.log('info', `Paused${from}.`);
          else if (this.paused) this.record.log('info', `Resumed${from}.`);
          this.paused = state === 'paused';
          this.record.setStatus(state);
        }
      },
      onOutput: (stream, line) => this.record.output(stream, line),
      during: 'before the run finished',
      cancelGraceMs: this.options.cancelGraceMs,
    });
    this.job = job;
    void job.ended.then((end) => this.ended(end));
    this.record.setStatus('running', { startedAt });
    this.record.log('info', `Engine host started (pid ${job.pid ?? '?'}): recipe ${trainOptions.recipe}` +
      `${trainOptions.objective ? `, ${trainOptions.objective}` : ''}${trainOptions.backend ? `, backend ${trainOptions.backend}` : ''}.`);
  }

  /** `by`: who asked ("the window"), for the run's log when the engine has paused. */
  pause(by?: string): void {
    this.askedBy = by ?? null;
    this.job?.pause();
  }

  resume(by?: string): void {
    this.askedBy = by ?? null;
    this.job?.resume();
  }

  /** Asks the run to stop at its next step; a host that has not ended after the grace period is killed. */
  cancel(by?: string): void {
    if (this.cancelRequested || !this.job) return;
    this.askedBy = by ?? null;
    this.cancelRequested = true;
    this.job.cancel();
  }

  /** Kills the host now (a second Ctrl+C): the run ends cancelled with whatever checkpoint was last written. */
  stopNow(): void {
    if (!this.job) return;
    this.cancelRequested = true;
    this.job.stopNow();
  }

  private ended(end: JobEnd<'train'>): void {
    let run: RunInfo;
    if (end.type === 'done') run = this.record.finish(end.result);
    else if (end.type === 'failed') run = this.record.end('failed', end.error);
    else if (end.type === 'cancelled') {
      const message = end.killed === 'grace'
        ? `The run did not stop within ${Math.round(this.options.cancelGraceMs / 1000)} s of being cancelled, so its engine host was stopped; the last checkpoint written is kept.`
        : 'Stopped at once on request; the last checkpoint written is kept.';
      run = this.record.end('cancelled', { message }, 'warn');
    } else run = this.record.end('crashed', end.error);
    this.job = null;
    this.resolveFinished(run);
  }
}
