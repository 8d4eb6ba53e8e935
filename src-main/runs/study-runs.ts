// A study's two trainings (its SFT and DPO branches) recorded as runs of the workspace, named "study <report> · sft",
// so the Training tab lists them beside the runs trained on their own: the branch's events and result go through the
// same RunRecorder a run's own host events do, and each run's folder gets the launch.json a run of its own gets.
import { mkdirSync } from 'node:fs';
import type { ErrorData } from '../../src-shared/errors';
import type { RunInfo, RunObjective } from '../../src-shared/domain/runs';
import type { StudyProgress } from '../engine/study/run-study';
import type { RunStore } from '../store/runs';
import { Workspace } from '../store/workspace';
import { resolveRecipe } from './recipes';
import { writeRunLaunch } from './run-config';
import { RunRecorder, type EmitEvent } from './run-recorder';

export interface StudyRunsOptions {
  /** The report's name, which names the runs. */
  report: string;
  /** The recipe the study trains. */
  recipe: string;
  backend: string | null;
  /** CPU threads of the native backend the study was started with; all cores when absent. */
  threads?: number;
  /** The data folder both branches train on instead of the recipe's (workspace pairs exported for the study). */
  data?: string;
  emit: EmitEvent;
}

export class StudyRuns {
  private open: { objective: RunObjective; record: RunRecorder } | null = null;
  private readonly recorded: RunRecorder[] = [];

  constructor(
    private readonly store: RunStore,
    private readonly options: StudyRunsOptions,
  ) {}

  /** Records one of the study's progress reports: a branch's events into its run, its result ending it. */
  push(progress: StudyProgress): void {
    if (progress.type === 'phase') return;
    const record = this.branch(progress.objective);
    if (progress.type === 'train') {
      record.event(progress.event);
    } else {
      record.finish(progress.result);
      this.open = null;
    }
  }

  /** The study ended before the branch under way finished: its run ends cancelled, or failed with the error. */
  end(error: ErrorData | null): void {
    if (!this.open) return;
    if (error) this.open.record.end('failed', error);
    else this.open.record.end('cancelled', { message: 'The study was cancelled while this branch trained.' }, 'warn');
    this.open = null;
  }

  /** The study ended without a report and its folder was removed: a branch that had finished says its checkpoints went too. */
  removed(folder: string): void {
    for (const record of this.recorded) {
      if (this.store.get(record.runId).status !== 'completed') continue;
      record.log('warn', `The study ended without a report and its folder ${folder} was removed, with this run's checkpoints.`);
    }
  }

  /** The study's folder moved from `from` to `to`, filed as report `report`: the runs name the new place and report. */
  filed(from: string, to: string, report: string): void {
    const inJson = (path: string) => JSON.stringify(path).slice(1, -1);
    for (const record of this.recorded) {
      const { result, objective } = this.store.get(record.runId);
      const moved = result ? (JSON.parse(JSON.stringify(result).split(inJson(from)).join(inJson(to))) as RunInfo['result']) : null;
      const run = this.store.update(record.runId, { name: runName(report, objective), result: moved });
      this.options.emit('run:status', { run });
      record.log('info', `The study's report ${report} is filed in ${to}: the checkpoints above are now there.`);
    }
  }

  /** The run of the branch `objective`, recorded when its first event arrives. */
  private branch(objective: RunObjective): RunRecorder {
    if (this.open?.objective === objective) return this.open.record;
    this.end(null);
    const run = this.store.create({
      name: runName(this.options.report, objective),
      recipe: this.options.recipe,
      objective,
      backend: this.options.backend,
      data: null,
      ownerPid: process.pid,
    });
    const record = new RunRecorder(this.store, run.id, this.options.emit);
    this.recorded.push(record);
    this.open = { objective, record };
    const startedAt = new Date().toISOString();
    // The configuration panel reads the backend and threads asked for from here, as for a run of its own.
    const { recipe, backend, threads, data } = this.options;
    mkdirSync(run.runDir, { recursive: true });
    writeRunLaunch({ recipe, runDir: run.runDir, objective, ...(data ? { data } : {}), ...(backend ? { backend } : {}), ...(threads ? { threads } : {}) }, startedAt);
    record.setStatus('running', { startedAt });
    return record;
  }
}

function runName(report: string, objective: RunObjective | null): string {
  return `study ${report} · ${objective ?? ''}`;
}

/**
 * `pivot demo --workspace`: the study's branches recorded as runs of that workspace, which stays open while the study
 * runs (the window, if open on it, lists them as they go). `close` ends a branch still open as failed with `error`.
 */
export function recordStudyRuns(workspaceDir: string, options: Omit<StudyRunsOptions, 'emit'>): { runs: StudyRuns; close(error: ErrorData | null): void } {
  const workspace = Workspace.open(workspaceDir);
  const runs = new StudyRuns(workspace.runs, { ...options, recipe: resolveRecipe(options.recipe), emit: () => undefined });
  return {
    runs,
    close(error) {
      runs.end(error);
      workspace.close();
    },
  };
}
