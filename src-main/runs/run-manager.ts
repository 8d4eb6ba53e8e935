// Main's side of training runs: queues them (one trains at a time, each on a fresh engine host process), prepares
// their data, routes pause / resume / cancel, resumes crashed and cancelled runs from their folder, and finds runs
// left `running` by a process that is gone.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PivotError } from '../../src-shared/errors';
import type { PairCheck, ParsedPairCheckRequest } from '../../src-shared/domain/pair-check';
import { writeRunSettings } from '../engine/run-folder/run-settings';
import { ACTIVE_RUN_STATUSES, ENGINE_BACKENDS, type ParsedRunStart, type RecipeInfo, type RunInfo, type RunObjective, type RunStatus } from '../../src-shared/domain/runs';
import type { HostLauncher } from '../engine-jobs/engine-host';
import type { TrainJobOptions } from '../engine/jobs/train';
import type { Workspace } from '../store/workspace';
import { checkRecipe, listRecipes, resolveRecipe } from './recipes';
import { checkFolderPairs, checkRunPairs, refuseUnusable } from './pair-check';
import { checkRunData, materialiseRunData } from './run-data';
import { RunSession, type EmitEvent } from './run-session';
import { PAIRS_FILE } from '../engine/data/batches/records';

export interface RunManagerOptions {
  /** Starts an engine host: a Node child process (CLI, `pivot serve`) or an Electron utility process (the app). */
  launch: HostLauncher;
  emit: EmitEvent;
  /** Built-in recipes folder (default resources/recipes). */
  recipesDir?: string;
  /**
   * Validates a resolved recipe for an objective before the run is recorded (default: the engine's recipe schema).
   * A launcher whose hosts run another `train` job (tests) brings its own.
   */
  checkRecipe?: (recipe: string, objective: RunObjective | undefined) => void;
  /** How long a cancelled run may take to write its checkpoint and stop before its host is killed (default 60 s). */
  cancelGraceMs?: number;
}

const DEFAULT_CANCEL_GRACE_MS = 60_000;
/** A run that ended in one of these kept its folder's checkpoints and can train on from them. */
const RESUMABLE_STATUSES: readonly RunStatus[] = ['crashed', 'cancelled'];

export class RunManager {
  private readonly queue: Array<{ runId: number; options: TrainJobOptions; resumed: boolean }> = [];
  private session: RunSession | null = null;
  private readonly waiting = new Map<number, Array<(run: RunInfo) => void>>();
  private closed = false;

  constructor(
    private readonly workspace: Workspace,
    private readonly options: RunManagerOptions,
  ) {
    // Nothing runs here yet: a run recorded as this process's is as abandoned as another gone process's.
    workspace.runs.endAbandoned(true);
  }

  /** Checks the request, records the run, prepares its data and queues it; it starts at once when nothing runs. */
  async start(request: ParsedRunStart): Promise<RunInfo> {
    if (this.closed) throw new PivotError('WORKSPACE_UNAVAILABLE', 'This workspace is closing; start the run again once it is open.');
    const recipe = resolveRecipe(request.recipe, this.options.recipesDir);
    this.checkRecipe(recipe, request.objective);
    const data = request.data ? checkRunData(this.workspace, request.data) : null;
    // Every pair must be trainable with the model before the run exists, not fail it after it started.
    if (data && 'folder' in data) refuseUnusable(await this.checkFolderOf({ ...request, recipe }, data.folder), join(data.folder, PAIRS_FILE));
    else if (data) refuseUnusable(await this.checkPairsOf({ ...request, recipe, data }));
    const store = this.workspace.runs;
    const queued = store.create({
      ...(request.name ? { name: request.name } : {}),
      recipe,
      objective: request.objective ?? null,
      backend: request.backend ?? null,
      data,
      ownerPid: process.pid,
    });
    this.options.emit('run:status', { run: queued });
    let dataFolder: string | undefined;
    try {
      mkdirSync(queued.runDir, { recursive: true });
      if (request.model || request.branch) {
        await writeRunSettings(queued.runDir, { ...(request.model ? { model: request.model } : {}), ...(request.branch ? { branch: request.branch } : {}) });
      }
      if (data) dataFolder = await materialiseRunData(this.workspace, data, queued.runDir);
    } catch (err) {
      const message = `Preparing the run's data failed: ${PivotError.toData(err).message}`;
      store.appendLogs(queued.id, [{ level: 'error', message }]);
      this.end(store.update(queued.id, { status: 'failed', error: message, endedAt: new Date().toISOString() }));
      throw err;
    }
    const options: TrainJobOptions = {
      recipe,
      runDir: queued.runDir,
      ...(request.objective ? { objective: request.objective } : {}),
      ...(dataFolder ? { data: dataFolder } : {}),
      ...(request.backend ? { backend: request.backend } : {}),
      ...(request.threads ? { threads: request.threads } : {}),
    };
    this.queue.push({ runId: queued.id, options, resumed: false });
    this.next();
    return store.get(queued.id);
  }

  /** How many of the pairs a run would get are usable with its recipe's model, and which are not (`runs:check`). */
  checkPairs(request: ParsedPairCheckRequest): Promise<PairCheck> {
    const recipe = resolveRecipe(request.recipe, this.options.recipesDir);
    this.checkRecipe(recipe, request.objective);
    return this.checkPairsOf({ ...request, recipe, data: checkRunData(this.workspace, request.data) as ParsedPairCheckRequest['data'] });
  }

  private checkPairsOf(request: ParsedPairCheckRequest & Partial<Pick<ParsedRunStart, 'backend'>>): Promise<PairCheck> {
    const { recipe, objective, data, model, branch, backend } = request;
    return checkRunPairs(this.workspace, this.options.launch, {
      recipe, data, ...(objective ? { objective } : {}), ...(model ? { model } : {}), ...(branch ? { branch } : {}), ...(backend ? { backend } : {}),
    });
  }

  private checkFolderOf(request: Omit<ParsedRunStart, 'data'> & { recipe: string }, folder: string): Promise<PairCheck | null> {
    const { recipe, objective, model, branch, backend } = request;
    return checkFolderPairs(this.options.launch, {
      recipe, folder, ...(objective ? { objective } : {}), ...(model ? { model } : {}), ...(branch ? { branch } : {}), ...(backend ? { backend } : {}),
    });
  }

  /** The configured check; by default the engine's schema. */
  private checkRecipe(recipe: string, objective: RunObjective | undefined): void {
    if (this.options.checkRecipe) this.options.checkRecipe(recipe, objective);
    else checkRecipe(recipe, objective, this.options.recipesDir);
  }

  /** `by` names who asked in the run's log ("the window"). */
  pause(id: number, by?: string): RunInfo {
    const run = this.controllable(id, 'pause');
    if (run.status === 'running') this.session?.pause(by);
    return run;
  }

  /**
   * Continues a paused run; queues a crashed or cancelled one again, to train on from the last checkpoint in its
   * folder (same record, same folder, same recipe and data; `threads` as asked now).
   */
  resume(id: number, threads?: number, by?: string): RunInfo {
    const ended = this.workspace.runs.get(id);
    if (RESUMABLE_STATUSES.includes(ended.status)) return this.requeue(ended, threads, by);
    const run = this.controllable(id, 'resume');
    if (run.status === 'paused') this.session?.resume(by);
    return run;
  }

  private requeue(run: RunInfo, threads: number | undefined, by: string | undefined): RunInfo {
    if (this.closed) throw new PivotError('WORKSPACE_UNAVAILABLE', 'This workspace is closing; resume the run once it is open again.');
    if (!existsSync(run.runDir)) {
      throw new PivotError('NOT_FOUND', `Run ${run.id}'s folder ${run.runDir} is gone, so there is no checkpoint to resume from: start a new run.`, { id: run.id });
    }
    const dataFolder = run.data === null ? undefined : 'folder' in run.data ? run.data.folder : join(run.runDir, 'data');
    if (dataFolder !== undefined && !existsSync(dataFolder)) {
      throw new PivotError('NOT_FOUND', `Run ${run.id}'s data folder ${dataFolder} is gone: put it back to resume the run, or start a new one.`, { id: run.id, folder: dataFolder });
    }
    this.checkRecipe(run.recipe, run.objective ?? undefined);
    const store = this.workspace.runs;
    // Another window or command may resume it at the same moment: only one of them takes it.
    if (!store.requeue(run.id, process.pid, RESUMABLE_STATUSES)) {
      throw new PivotError('INVALID_REQUEST', `Run ${run.id} was resumed by another process meanwhile (it is ${store.get(run.id).status} now).`, { id: run.id });
    }
    const from = by ? ` from ${by}` : '';
    store.appendLogs(run.id, [{ level: 'info', message: `Queued again${from} after it ${run.status === 'crashed' ? 'crashed' : 'was cancelled'}: it trains on from its last checkpoint in ${run.runDir}.` }]);
    const queued = store.get(run.id);
    this.options.emit('run:status', { run: queued });
    const backend = ENGINE_BACKENDS.find((b) => b === run.backend);
    const options: TrainJobOptions = {
      recipe: run.recipe,
      runDir: run.runDir,
      ...(run.objective ? { objective: run.objective } : {}),
      ...(dataFolder ? { data: dataFolder } : {}),
      ...(backend ? { backend } : {}),
      ...(threads ? { threads } : {}),
    };
    this.queue.push({ runId: run.id, options, resumed: true });
    this.next();
    return store.get(run.id);
  }

  /** Stops a running or paused run at its next step (checkpoint kept), or takes a queued one off the queue. */
  cancel(id: number, by?: string): RunInfo {
    const run = this.workspace.runs.get(id);
    const index = this.queue.findIndex((q) => q.runId === id);
    if (index >= 0) {
      this.queue.splice(index, 1);
      this.workspace.runs.appendLogs(id, [{ level: 'info', message: `Cancelled${by ? ` from ${by}` : ''} before it started.` }]);
      return this.end(this.workspace.runs.update(id, { status: 'cancelled', endedAt: new Date().toISOString() }));
    }
    if (run.status === 'queued') throw this.notHere(run);
    this.controllable(id, 'cancel');
    this.session?.cancel(by);
    return run;
  }

  /** Stops a running or paused run at once, killing its engine host (after a cancel that takes too long). */
  stopNow(id: number): void {
    this.controllable(id, 'stop');
    this.session?.stopNow();
  }

  /** Resolves with the run's final record when it has ended (at once for a run that has). */
  finished(id: number): Promise<RunInfo> {
    const run = this.workspace.runs.get(id);
    if (!ACTIVE_RUN_STATUSES.includes(run.status)) return Promise.resolve(run);
    return new Promise((resolve) => {
      const list = this.waiting.get(id) ?? [];
      list.push(resolve);
      this.waiting.set(id, list);
    });
  }

  /** The built-in recipes a run can name. */
  recipes(): RecipeInfo[] {
    return listRecipes(this.options.recipesDir);
  }

  /** Cancels what is queued and what runs, and waits until the running one has stopped (or been stopped). */
  async close(): Promise<void> {
    this.closed = true;
    for (const { runId } of [...this.queue]) this.cancel(runId);
    const session = this.session;
    if (session) {
      session.cancel();
      await session.finished;
    }
  }

  private next(): void {
    if (this.session || this.closed) return;
    const item = this.queue.shift();
    if (!item) return;
    const session = new RunSession(this.workspace.runs, item.runId, {
      launch: this.options.launch,
      emit: this.options.emit,
      cancelGraceMs: this.options.cancelGraceMs ?? DEFAULT_CANCEL_GRACE_MS,
      resumed: item.resumed,
    });
    this.session = session;
    void session.finished.then((run) => {
      this.session = null;
      this.settle(run);
      this.next();
    });
    try {
      session.start(item.options);
    } catch (err) {
      // Launching failed outright (the host binary is missing): the run cannot start, the next one may.
      this.session = null;
      const message = `The engine host could not be started: ${PivotError.toData(err).message}`;
      this.end(this.workspace.runs.update(item.runId, { status: 'crashed', error: message, endedAt: new Date().toISOString() }));
      this.next();
    }
  }

  /** Announces the final record of a run that ended here (not in a session, which announces its own). */
  private end(run: RunInfo): RunInfo {
    this.options.emit('run:status', { run });
    return this.settle(run);
  }

  /** Wakes whoever waits for a run to end. */
  private settle(run: RunInfo): RunInfo {
    for (const resolve of this.waiting.get(run.id) ?? []) resolve(run);
    this.waiting.delete(run.id);
    return run;
  }

  /** A run this manager drives and that is running or paused; anything else is refused with the reason. */
  private controllable(id: number, verb: string): RunInfo {
    const run = this.workspace.runs.get(id);
    if (run.status === 'queued') {
      if (this.queue.some((q) => q.runId === id)) {
        throw new PivotError('INVALID_REQUEST', `Run ${id} is queued: it can ${verb} once it has started (or cancel it now).`, { id, status: run.status });
      }
      throw this.notHere(run);
    }
    if (run.status !== 'running' && run.status !== 'paused') {
      throw new PivotError('INVALID_REQUEST', `Run ${id} has ended (${run.status}); there is nothing to ${verb}.`, { id, status: run.status });
    }
    if (this.session?.runId !== id) throw this.notHere(run);
    return run;
  }

  private notHere(run: RunInfo): PivotError {
    const pid = this.workspace.runs.ownerPid(run.id);
    // Recorded by this process but not trained by this manager: a branch of a study (StudyRuns).
    if (pid === process.pid) {
      return new PivotError('INVALID_REQUEST', `Run ${run.id} is a branch of a study: cancel the study (Compare tab) to stop it.`, { id: run.id });
    }
    return new PivotError('INVALID_REQUEST', `Run ${run.id} is driven by another process (pid ${pid ?? '?'}, e.g. pivot train): control it there.`, { id: run.id, pid });
  }
}
