// The study started from the window (`studies:start`): one at a time per workspace, on an engine host of its own,
// written into `<workspace>/reports-in-progress/<name>/` and moved into `reports/` only once complete, so the Compare
// tab never lists half a report and a cancelled or failed study leaves nothing behind.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { mkdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PivotError } from '../../src-shared/errors';
import type { BaseModel } from '../../src-shared/domain/run-settings';
import { writeRunSettings } from '../engine/run-folder/run-settings';
import type { ParsedRequestOf } from '../../src-shared/ipc/contract';
import type { HostLauncher } from '../engine-jobs/engine-host';
import { jobResult, startEngineJob, type EngineJob } from '../engine-jobs/engine-job';
import { checkRunPairs, refuseUnusable } from '../runs/pair-check';
import { checkRecipe, resolveRecipe } from '../runs/recipes';
import { checkRunData, materialiseRunData } from '../runs/run-data';
import type { EmitEvent } from '../runs/run-recorder';
import { StudyRuns } from '../runs/study-runs';
import type { RunStore } from '../store/runs';
import type { Workspace } from '../store/workspace';
import { reportDir, reportFolderName, reportsDir } from './report-files';
import { studyProgressTracker, type StudyProgressTracker, type StudyProgressUpdate } from './study-progress';

/** Where a study writes until it is complete (beside `reports/`, on the same disk, so the move is a rename). */
export const PARTIAL_REPORTS_FOLDER = 'reports-in-progress';

/** The files of a report that name its folder by absolute path: re-pointed from the temporary folder to the final one. */
const FILES_NAMING_THE_FOLDER = ['report.json', 'report.html', 'examples/examples.json', 'run/recipe.json'];

export type StudyRequest = Omit<ParsedRequestOf<'studies:start'>, 'job'>;

export interface StudyJobsOptions {
  launch: HostLauncher;
  /** Built-in recipes folder (default resources/recipes). */
  recipesDir?: string;
  /** When a study starts: its report's name (tests give their own). */
  clock?: () => Date;
  /** The workspace whose pairs a study may train on (`data`). */
  workspace?: Workspace;
  /** Where the study's two trainings are recorded as runs (the Training tab lists them), and announced. */
  runs?: { store: RunStore; emit: EmitEvent };
}

export class StudyJobs {
  private running: { job: string; host: EngineJob<'study'>; ended: Promise<string | null> } | null = null;
  private closed = false;
  /** The job of a study whose pairs are being checked and exported, before its host starts. */
  private preparing: string | null = null;

  constructor(
    private readonly workspaceDir: string,
    private readonly options: StudyJobsOptions,
  ) {}

  /** Starts the study; resolves with the report's name once it is in `reports/`, or null when it was cancelled. */
  // Everything up to the host's launch runs at the call (or, for workspace pairs, while `preparing` holds the job), so two calls cannot both start.
  async start(request: StudyRequest, job: string, onProgress: (update: StudyProgressUpdate) => void): Promise<string | null> {
    if (this.closed) throw new PivotError('WORKSPACE_UNAVAILABLE', 'This workspace is closing; start the study again once it is open.');
    const busy = this.running?.job ?? this.preparing;
    if (busy) {
      throw new PivotError(
        'INVALID_REQUEST',
        `A study is already running in this workspace (job ${busy}): wait for it to finish, or cancel it, before starting another.`,
        { job: busy },
      );
    }
    const recipe = studyRecipe(request.recipe, this.options.recipesDir);
    const name = reportFolderName((this.options.clock ?? (() => new Date()))());
    const partial = join(this.workspaceDir, PARTIAL_REPORTS_FOLDER, name);
    let data: string | undefined;
    // Checking and exporting pairs, and writing the base model's settings, take a while: meanwhile this study counts as running.
    this.preparing = job;
    try {
      if (request.data) data = await this.studyPairs(request.data, recipe, partial, request.model);
      else {
        // A folder of this name is left from a study that did not end here (the app was killed): it is not a report.
        rmSync(partial, { recursive: true, force: true });
        mkdirSync(partial, { recursive: true });
      }
      // The study's run folder trains both branches from this base model (the engine reads run-settings.json).
      if (request.model) {
        mkdirSync(join(partial, 'run'), { recursive: true });
        await writeRunSettings(join(partial, 'run'), { model: request.model });
      }
    } catch (err) {
      if (request.data === undefined) rmSync(partial, { recursive: true, force: true });
      throw err;
    } finally {
      this.preparing = null;
    }
    const progress = studyProgressTracker(join(partial, 'run'), onProgress);
    const runs = this.options.runs
      ? new StudyRuns(this.options.runs.store, { report: name, recipe, backend: request.backend ?? null, ...(data ? { data } : {}), emit: this.options.runs.emit })
      : null;
    progress.starting();
    let host: EngineJob<'study'>;
    try {
      host = startEngineJob(
        this.options.launch,
        'study',
        {
          out: partial, recipe, seeds: request.seeds, ...(request.quick ? { quick: true } : {}), ...(request.backend ? { backend: request.backend } : {}),
          ...(data ? { data } : {}),
        },
        {
          onProgress: (p) => {
            runs?.push(p);
            progress.push(p);
          },
          during: 'before the study finished; no report was written',
        },
      );
    } catch (err) {
      // The host could not be started at all: there is no study to clean up after but its empty folder.
      rmSync(partial, { recursive: true, force: true });
      throw err;
    }
    const ended = this.finish(host, partial, name, progress, runs).finally(() => {
      this.running = null;
    });
    this.running = { job, host, ended };
    return ended;
  }

  /**
   * The workspace pairs a study trains on, checked against its recipe's model (refused with INVALID_DATA while any is
   * unusable and not excluded, as a run is) and exported into `<partial>/data`; returns that folder.
   */
  private async studyPairs(data: NonNullable<StudyRequest['data']>, recipe: string, partial: string, model: BaseModel | undefined): Promise<string> {
    const workspace = this.options.workspace;
    if (!workspace) throw new PivotError('INVALID_REQUEST', 'A study here cannot train on workspace pairs (no workspace was given to it); use its recipe\'s data.');
    const checked = checkRunData(workspace, data) as NonNullable<StudyRequest['data']>;
    // The dpo pipeline reads every text of a pair (question, chosen and rejected answers) that the sft one does.
    refuseUnusable(await checkRunPairs(workspace, this.options.launch, { recipe, objective: 'dpo', data: checked, ...(model ? { model } : {}) }));
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial, { recursive: true });
    try {
      return await materialiseRunData(workspace, checked, partial);
    } catch (err) {
      rmSync(partial, { recursive: true, force: true });
      throw err;
    }
  }

  /** Kills the study's host and resolves once its folder is removed; a job that is not running is refused. */
  async cancel(job: string): Promise<null> {
    const running = this.running;
    if (!running || running.job !== job) {
      throw new PivotError('NOT_FOUND', `No study with job id "${job}" is running in this workspace.`, { job });
    }
    running.host.cancel();
    await running.ended.catch(() => undefined);
    return null;
  }

  /** Cancels the running study, if any, and refuses new ones (the workspace is closing). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.running) await this.cancel(this.running.job);
  }

  private async finish(host: EngineJob<'study'>, partial: string, name: string, progress: StudyProgressTracker, runs: StudyRuns | null): Promise<string | null> {
    let outcome;
    try {
      outcome = await jobResult(host);
    } catch (err) {
      runs?.end(PivotError.toData(err));
      runs?.removed(partial);
      await this.discard(partial);
      throw err;
    }
    if (outcome === null) {
      runs?.end(null);
      runs?.removed(partial);
      await this.discard(partial);
      return null;
    }
    const finalName = this.freeName(name);
    const final = reportDir(this.workspaceDir, finalName);
    try {
      await repoint(partial, final);
      await mkdir(reportsDir(this.workspaceDir), { recursive: true });
      await rename(partial, final);
    } catch (err) {
      throw new PivotError(
        'INTERNAL',
        `The study finished, but moving its report into ${final} failed (${(err as Error).message}); the report is in ${partial}.`,
        { partial, final },
      );
    }
    runs?.filed(partial, final, finalName);
    await this.tidy();
    progress.finished(finalName);
    return finalName;
  }

  /** `name`, or `name-2`, `name-3`… when `pivot demo --workspace` already wrote a report of that name. */
  private freeName(name: string): string {
    let candidate = name;
    for (let i = 2; existsSync(reportDir(this.workspaceDir, candidate)); i++) candidate = `${name}-${i}`;
    return candidate;
  }

  private async discard(partial: string): Promise<void> {
    await rm(partial, { recursive: true, force: true });
    await this.tidy();
  }

  /** Removes the in-progress folder once it holds nothing. */
  private async tidy(): Promise<void> {
    await rmdir(join(this.workspaceDir, PARTIAL_REPORTS_FOLDER)).catch(() => undefined);
  }
}

/** The recipe to hand the engine: a built-in name or a file, which must have both branches the study trains. */
function studyRecipe(recipe: string, recipesDir: string | undefined): string {
  const resolved = resolveRecipe(recipe, recipesDir);
  for (const objective of ['sft', 'dpo'] as const) checkRecipe(resolved, objective, recipesDir);
  return resolved;
}

/** Rewrites the report's absolute paths from the folder it was written in to the one it will live in. */
async function repoint(from: string, to: string): Promise<void> {
  // As written in HTML / plain text, and inside a JSON string (where a Windows path's backslashes are doubled).
  const forms = new Map([[from, to], [JSON.stringify(from).slice(1, -1), JSON.stringify(to).slice(1, -1)]]);
  for (const file of FILES_NAMING_THE_FOLDER) {
    const path = join(from, file);
    if (!existsSync(path)) continue;
    let text = await readFile(path, 'utf8');
    for (const [a, b] of forms) text = text.split(a).join(b);
    await writeFile(path, text);
  }
}
