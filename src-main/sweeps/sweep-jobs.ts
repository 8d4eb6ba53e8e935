// The sweep started from the window (`sweeps:start`): what `pivot sweep` runs, one at a time per workspace, on an
// engine host of its own, written into `<workspace>/sweeps/<date-time>/`. Cancelling kills the host and keeps the
// folder: its finished points are reused by a sweep run on it again (`pivot sweep --out <folder>`).
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PivotError } from '../../src-shared/errors';
import type { SweepSummary } from '../../src-shared/domain/runs';
import type { ParsedRequestOf } from '../../src-shared/ipc/contract';
import type { HostLauncher } from '../engine-jobs/engine-host';
import type { SweepProgress } from '../engine/sweep';
import { jobResult, startEngineJob, type EngineJob } from '../engine-jobs/engine-job';
import { reportFolderName } from '../reports/report-files';
import { resolveRecipe } from '../runs/recipes';

/** The workspace folder sweeps are written into. */
export const SWEEPS_FOLDER = 'sweeps';

export type SweepRequest = Omit<ParsedRequestOf<'sweeps:start'>, 'job'>;

export interface SweepProgressUpdate {
  done: number;
  total: number;
  label: string;
}

export interface SweepJobsOptions {
  launch: HostLauncher;
  /** Built-in recipes folder (default resources/recipes). */
  recipesDir?: string;
  /** When a sweep starts: its folder's name (tests give their own). */
  clock?: () => Date;
}

export class SweepJobs {
  private running: { job: string; host: EngineJob<'sweep'> } | null = null;
  private closed = false;

  constructor(
    private readonly workspaceDir: string,
    private readonly options: SweepJobsOptions,
  ) {}

  /** Runs the sweep; resolves with its summary once sweep.md is written, or null when it was cancelled. */
  async start(request: SweepRequest, job: string, onProgress: (update: SweepProgressUpdate) => void): Promise<SweepSummary | null> {
    if (this.closed) throw new PivotError('WORKSPACE_UNAVAILABLE', 'This workspace is closing; start the sweep again once it is open.');
    if (this.running) {
      throw new PivotError(
        'INVALID_REQUEST',
        `A sweep is already running in this workspace (job ${this.running.job}): wait for it to finish, or cancel it, before starting another.`,
        { job: this.running.job },
      );
    }
    const recipe = resolveRecipe(request.recipe, this.options.recipesDir);
    const name = reportFolderName((this.options.clock ?? (() => new Date()))());
    const out = join(this.workspaceDir, SWEEPS_FOLDER, name);
    mkdirSync(out, { recursive: true });
    onProgress({ done: 0, total: 1, label: 'Starting the engine…' });
    const host = startEngineJob(
      this.options.launch,
      'sweep',
      { recipe, out, probeSeeds: request.probeSeeds, ...(request.backend ? { backend: request.backend } : {}) },
      { onProgress: (p) => onProgress(sweepProgress(p)), during: `before the sweep finished; what it finished is in ${out}` },
    );
    this.running = { job, host };
    try {
      const result = await jobResult(host);
      if (!result) return null;
      const summary = { name, out, markdown: await readFile(result.markdown, 'utf8') };
      onProgress({ done: 1, total: 1, label: `Sweep ${name} written` });
      return summary;
    } finally {
      this.running = null;
    }
  }

  /** Kills the sweep's host and resolves once it has exited; a job that is not running is refused. */
  async cancel(job: string): Promise<null> {
    const running = this.running;
    if (!running || running.job !== job) {
      throw new PivotError('NOT_FOUND', `No sweep with job id "${job}" is running in this workspace.`, { job });
    }
    running.host.cancel();
    await running.host.ended;
    return null;
  }

  /** Cancels the running sweep, if any, and refuses new ones (the workspace is closing). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.running) await this.cancel(this.running.job);
  }
}

/** A sweep's progress as `job:progress` carries it: points done of all, the point and its stage and step. */
export function sweepProgress(p: SweepProgress): SweepProgressUpdate {
  if (p.type === 'base') return { done: 0, total: 1, label: p.message };
  const at = `[${p.index}/${p.of}]`;
  const point = (fraction: number) => Math.round(((p.index - 1 + fraction) / p.of) * 1000) / 1000;
  if (p.type === 'point') return { done: point(p.status === 'done' || p.status === 'skip' ? 1 : 0), total: 1, label: `${at} ${p.message}` };
  const e = p.event;
  if (e.type === 'metrics' && e.totalSteps > 0) {
    return { done: point(0), total: 1, label: `${at} ${p.name}: stage ${e.stage}, step ${e.step} / ${e.totalSteps}` };
  }
  return { done: point(0), total: 1, label: `${at} ${p.name}: ${e.type === 'stage' ? `stage ${e.stage}` : 'training'}` };
}
