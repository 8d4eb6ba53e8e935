// Training runs in the workspace: their records, metrics (appended in batches, read back downsampled for charts)
// and logs. The run manager writes here; the window and the CLI read.
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { PivotError } from '../../src-shared/errors';
import {
  ACTIVE_RUN_STATUSES,
  type MetricPoint,
  type RunData,
  type RunInfo,
  type RunLogEntry,
  type RunLogLevel,
  type RunLogPage,
  type RunMetrics,
  type RunObjective,
  type RunProgress,
  type RunResultData,
  type RunStatus,
} from '../../src-shared/domain/runs';
import { PointBuckets } from '../../src-shared/metrics/downsample';

/** What a new run is made of; it starts `queued`. */
export interface NewRun {
  name?: string;
  recipe: string;
  objective: RunObjective | null;
  backend: string | null;
  data: RunData | null;
  ownerPid: number;
}

/** Fields of a run that change while it lives. */
export interface RunUpdate {
  name?: string;
  status?: RunStatus;
  error?: string | null;
  objective?: RunObjective | null;
  backend?: string | null;
  progress?: RunProgress | null;
  result?: RunResultData | null;
  ownerPid?: number | null;
  startedAt?: string | null;
  endedAt?: string | null;
}

/** A metrics row: the point and the engine's own step clock. */
export interface MetricRow extends MetricPoint {
  elapsedMs: number;
}

interface RunRow {
  id: number;
  name: string;
  recipe: string;
  objective: RunObjective | null;
  backend: string | null;
  data: string | null;
  status: RunStatus;
  error: string | null;
  run_dir: string;
  progress: string | null;
  result: string | null;
  owner_pid: number | null;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
}

/** RunUpdate's fields and their columns; JSON ones are stored as text. */
const COLUMNS: Record<keyof RunUpdate, { column: string; json?: true }> = {
  name: { column: 'name' },
  status: { column: 'status' },
  error: { column: 'error' },
  objective: { column: 'objective' },
  backend: { column: 'backend' },
  progress: { column: 'progress', json: true },
  result: { column: 'result', json: true },
  ownerPid: { column: 'owner_pid' },
  startedAt: { column: 'started_at' },
  endedAt: { column: 'ended_at' },
};

const MAX_LOG_PAGE = 5000;

export class RunStore {
  constructor(
    private readonly db: Database.Database,
    private readonly workspaceDir: string,
  ) {}

  /** Records a queued run in `runs/<id>`; unnamed runs are called `<recipe>-<objective>-<id>`. */
  create(run: NewRun): RunInfo {
    const id = this.db.transaction(() => {
      const info = this.db
        .prepare(
          `INSERT INTO runs (name, recipe, objective, backend, data, status, run_dir, owner_pid, created_at)
           VALUES (?, ?, ?, ?, ?, 'queued', '', ?, ?)`,
        )
        .run(run.name ?? '', run.recipe, run.objective, run.backend, json(run.data), run.ownerPid, new Date().toISOString());
      const id = Number(info.lastInsertRowid);
      const name = run.name ?? `${recipeLabel(run.recipe)}-${run.objective ?? 'default'}-${id}`;
      this.db.prepare('UPDATE runs SET name = ?, run_dir = ? WHERE id = ?').run(name, `runs/${id}`, id);
      return id;
    })();
    return this.get(id);
  }

  /** A run; one still marked active whose owner process is gone is first ended (crashed), as `list` does. */
  get(id: number): RunInfo {
    const row = this.row(id);
    if (ACTIVE_RUN_STATUSES.includes(row.status) && isAbandoned(row.owner_pid, false)) this.endAbandoned();
    return this.toInfo(this.row(id));
  }

  private row(id: number): RunRow {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
    if (!row) throw new PivotError('NOT_FOUND', `No run ${id} in this workspace.`, { id });
    return row;
  }

  /**
   * Ends the runs left queued / running / paused by a process that no longer exists (killed, or the machine
   * stopped): a queued one is cancelled, a started one crashed, with the reason in its log. `ownToo` also ends those
   * recorded by this very process (a run manager opening the workspace drives none yet).
   */
  endAbandoned(ownToo = false): void {
    for (const row of this.activeRows()) {
      if (!isAbandoned(row.owner_pid, ownToo)) continue;
      const runDir = join(this.workspaceDir, row.run_dir);
      const message = row.status === 'queued'
        ? 'The process that queued this run stopped before it started.'
        : `The process driving it (pid ${row.owner_pid ?? '?'}) stopped while this run was ${row.status}; the last checkpoint ` +
          `written is in ${runDir}. Resume it (Resume in the Training tab, or pivot train --resume ${row.id}).`;
      this.db.transaction(() => {
        // Re-read inside the write: another process may have ended or taken the run meanwhile.
        const now = this.db.prepare('SELECT status, owner_pid FROM runs WHERE id = ?').get(row.id) as Pick<RunRow, 'status' | 'owner_pid'>;
        if (!ACTIVE_RUN_STATUSES.includes(now.status) || now.owner_pid !== row.owner_pid) return;
        this.appendLogs(row.id, [{ level: 'error', message }]);
        this.update(row.id, { status: row.status === 'queued' ? 'cancelled' : 'crashed', error: message, endedAt: new Date().toISOString() });
      }).immediate();
    }
  }

  /** Every run, newest first; a run still marked active whose owner process is gone is first ended (crashed). */
  list(): RunInfo[] {
    this.endAbandoned();
    return (this.db.prepare('SELECT * FROM runs ORDER BY id DESC').all() as RunRow[]).map((r) => this.toInfo(r));
  }

  /** Runs that are queued, running or paused, oldest first. */
  active(): RunInfo[] {
    return this.activeRows().map((r) => this.toInfo(r));
  }

  private activeRows(): RunRow[] {
    const marks = ACTIVE_RUN_STATUSES.map(() => '?').join(', ');
    return this.db.prepare(`SELECT * FROM runs WHERE status IN (${marks}) ORDER BY id`).all(...ACTIVE_RUN_STATUSES) as RunRow[];
  }

  /** Who drives a run (a process id), for telling a live run from one whose process is gone. */
  ownerPid(id: number): number | null {
    const row = this.db.prepare('SELECT owner_pid FROM runs WHERE id = ?').get(id) as { owner_pid: number | null } | undefined;
    return row?.owner_pid ?? null;
  }

  update(id: number, update: RunUpdate): RunInfo {
    const entries = Object.entries(update).filter(([, v]) => v !== undefined) as Array<[keyof RunUpdate, unknown]>;
    if (entries.length > 0) {
      const sets = entries.map(([key]) => `${COLUMNS[key].column} = ?`).join(', ');
      const values = entries.map(([key, value]) => (COLUMNS[key].json ? json(value) : value));
      const info = this.db.prepare(`UPDATE runs SET ${sets} WHERE id = ?`).run(...(values as unknown[]), id);
      if (info.changes === 0) throw new PivotError('NOT_FOUND', `No run ${id} in this workspace.`, { id });
    }
    return this.get(id);
  }

  /**
   * Queues an ended run again for `ownerPid` when it is still in one of `from` (in one statement, so of two processes
   * resuming it at once only one does); whether it was.
   */
  requeue(id: number, ownerPid: number, from: readonly RunStatus[]): boolean {
    const marks = from.map(() => '?').join(', ');
    const info = this.db
      .prepare(`UPDATE runs SET status = 'queued', owner_pid = ?, error = NULL, result = NULL, ended_at = NULL WHERE id = ? AND status IN (${marks})`)
      .run(ownerPid, id, ...from);
    return info.changes === 1;
  }

  /** Appends metrics rows in one transaction (the manager batches a run's events). */
  appendMetrics(runId: number, rows: readonly MetricRow[]): void {
    if (rows.length === 0) return;
    const insert = this.db.prepare(
      `INSERT INTO run_metrics (run_id, stage, step, elapsed_ms, run_step, run_ms, metric_values) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      for (const r of rows) insert.run(runId, r.stage, r.step, r.elapsedMs, r.runStep, r.runMs, JSON.stringify(r.values));
    })();
  }

  /**
   * Before a resumed run records again: drops its metrics from the first point of `stage` at `step` or later on
   * (steps its checkpoint did not hold, about to be trained again), and returns the last point kept, if any.
   */
  dropMetricsFrom(runId: number, stage: string, step: number): MetricRow | null {
    return this.db.transaction(() => {
      const first = this.db.prepare('SELECT min(id) AS id FROM run_metrics WHERE run_id = ? AND stage = ? AND step >= ?').get(runId, stage, step) as { id: number | null };
      if (first.id !== null) this.db.prepare('DELETE FROM run_metrics WHERE run_id = ? AND id >= ?').run(runId, first.id);
      const last = this.db
        .prepare('SELECT stage, step, elapsed_ms, run_step, run_ms, metric_values FROM run_metrics WHERE run_id = ? ORDER BY id DESC LIMIT 1')
        .get(runId) as { stage: string; step: number; elapsed_ms: number; run_step: number; run_ms: number; metric_values: string } | undefined;
      return last
        ? { stage: last.stage, step: last.step, elapsedMs: last.elapsed_ms, runStep: last.run_step, runMs: last.run_ms, values: JSON.parse(last.metric_values) as Record<string, number> }
        : null;
    })();
  }

  /** A run's metrics for a chart: every point, or at most `maxPoints` bucket means (see PointBuckets). */
  metrics(runId: number, maxPoints: number): RunMetrics {
    this.get(runId);
    const { total } = this.db.prepare('SELECT count(*) AS total FROM run_metrics WHERE run_id = ?').get(runId) as { total: number };
    const buckets = new PointBuckets(total, maxPoints);
    const rows = this.db
      .prepare('SELECT stage, step, run_step, run_ms, metric_values FROM run_metrics WHERE run_id = ? ORDER BY id')
      .raw()
      .iterate(runId) as IterableIterator<[string, number, number, number, string]>;
    for (const [stage, step, runStep, runMs, values] of rows) {
      buckets.add({ stage, step, runStep, runMs, values: JSON.parse(values) as Record<string, number> });
    }
    return { runId, total, points: buckets.result() };
  }

  appendLogs(runId: number, entries: ReadonlyArray<{ level: RunLogLevel; message: string; at?: string }>): RunLogEntry[] {
    const insert = this.db.prepare('INSERT INTO run_logs (run_id, at, level, message) VALUES (?, ?, ?, ?)');
    return this.db.transaction(() =>
      entries.map((e) => {
        const at = e.at ?? new Date().toISOString();
        const id = Number(insert.run(runId, at, e.level, e.message).lastInsertRowid);
        return { id, at, level: e.level, message: e.message };
      }),
    )();
  }

  /** A run's log from after entry `afterId`, oldest first. */
  logs(runId: number, afterId = 0, limit = 1000): RunLogPage {
    this.get(runId);
    const take = Math.min(limit, MAX_LOG_PAGE);
    const rows = this.db
      .prepare('SELECT id, at, level, message FROM run_logs WHERE run_id = ? AND id > ? ORDER BY id LIMIT ?')
      .all(runId, afterId, take + 1) as RunLogEntry[];
    return { runId, entries: rows.slice(0, take), more: rows.length > take };
  }

  private toInfo(row: RunRow): RunInfo {
    return {
      id: row.id,
      name: row.name,
      recipe: row.recipe,
      objective: row.objective,
      backend: row.backend,
      data: parse<RunData>(row.data),
      status: row.status,
      error: row.error,
      runDir: join(this.workspaceDir, row.run_dir),
      progress: parse<RunProgress>(row.progress),
      result: parse<RunResultData>(row.result),
      createdAt: row.created_at,
      startedAt: row.started_at,
      endedAt: row.ended_at,
    };
  }
}

/** Whether a run's owner process is gone (a run with no owner recorded has none). */
function isAbandoned(ownerPid: number | null, ownToo: boolean): boolean {
  if (ownerPid === null) return true;
  if (ownerPid === process.pid) return ownToo;
  try {
    process.kill(ownerPid, 0);
    return false;
  } catch (err) {
    // EPERM: it exists, owned by another user.
    return (err as NodeJS.ErrnoException).code !== 'EPERM';
  }
}

function json(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

function parse<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

/** A recipe path's file name without its extension; a built-in name as it is. */
function recipeLabel(recipe: string): string {
  const base = recipe.split(/[\\/]/).pop() ?? recipe;
  return base.replace(/\.(ya?ml|json)$/i, '') || 'run';
}
