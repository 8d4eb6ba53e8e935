// A fake of the app behind the contract, in memory, as a Transport: what the window's tests talk to through the real
// api client. It records every call, and implements the channels the screen uses with the app's meaning
// (status / tag / text filters, sort by id, offset paging, edit history and undo).
import { PivotError } from '../../src-shared/errors';
import type { CheckedModel, UnusablePair } from '../../src-shared/domain/pair-check';
import type { ImportHistoryEntry, ImportReport, RejectedRecord } from '../../src-shared/domain/import-report';
import type { PairEdit, PairFilter, PairStatus, PreferencePair, ReviewAgreement, ReviewPick, StatusCounts } from '../../src-shared/domain/pairs';
import type { DatasetStats } from '../../src-shared/domain/dataset-stats';
import type { BackendReport, MetricPoint, RecipeInfo, RunConfig, RunInfo, RunLogEntry, RunStatus } from '../../src-shared/domain/runs';
import { downsamplePoints } from '../../src-shared/metrics/downsample';
import type { ChannelName, EncoderExportReport, EventName, Events, PairHistoryEntry, Result, WorkspaceInfo } from '../../src-shared/ipc/contract';
import type { ReportSummary, StudyReport } from '../../src-shared/domain/study-report';
import type { Transport } from '../../src-renderer/src/api/transport';

export interface FakeCall {
  channel: ChannelName;
  // The recorded request, as JSON data.
  request: Record<string, unknown>;
}

export function makePair(id: number, overrides: Partial<PreferencePair> = {}): PreferencePair {
  return {
    id,
    image: id.toString(16).padStart(64, '0'),
    imageWidth: 640,
    imageHeight: 480,
    question: `Question ${id}?`,
    chosen: `Chosen answer ${id}`,
    rejected: `Rejected answer ${id}`,
    status: 'pending',
    tags: [],
    note: '',
    source: { dataset: 'shapes', format: 'trl', file: '/data/shapes/pairs.jsonl', line: id, origin: {} },
    split: 'train',
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export function makeRun(id: number, overrides: Partial<RunInfo> = {}): RunInfo {
  return {
    id,
    name: `run-${id}`,
    recipe: 'shapes-quick',
    objective: 'dpo',
    backend: null,
    data: { filter: { status: ['accepted'] } },
    status: 'completed',
    error: null,
    runDir: `/tmp/workspace/runs/${id}`,
    progress: null,
    result: null,
    createdAt: '2025-01-01T00:00:00.000Z',
    startedAt: null,
    endedAt: null,
    ...overrides,
  };
}

/** Metric points of a DPO-like run: loss falls, margins grow. */
export function makePoints(n: number, from = 1, stage = 'dpo'): MetricPoint[] {
  return Array.from({ length: n }, (_, i) => {
    const step = from + i;
    return { stage, step, runStep: step, runMs: 100 * step, values: { loss: 1 / step, 'rewards/margins': step / 10, 'rewards/accuracies': 0.5, learning_rate: 1e-3 } };
  });
}

type Handler = (request: Record<string, unknown>) => unknown;

export class FakeBackend implements Transport {
  readonly kind = 'fake' as const;
  readonly calls: FakeCall[] = [];
  pairs: PreferencePair[];
  info: WorkspaceInfo;
  /** Per-channel replacements (return a value, a Promise, or throw a PivotError). */
  readonly overrides = new Map<ChannelName, Handler>();
  private readonly history = new Map<number, { entry: PairHistoryEntry; before: PreferencePair; batch?: string }[]>();
  private readonly listeners = new Map<EventName, Set<(payload: never) => void>>();
  private clock = 0;
  /** Training: runs (newest first, as the app lists them), their metrics and logs, recipes and backends. */
  runs: RunInfo[] = [];
  readonly runMetrics = new Map<number, MetricPoint[]>();
  /** What `runs:config` answers per run (default: nothing recorded yet). */
  readonly runConfigs = new Map<number, RunConfig>();
  readonly runLogs = new Map<number, RunLogEntry[]>();
  /** Status changes waiting for the engine's next step (`engineStep`). */
  private readonly atNextStep: Array<() => void> = [];
  recipes: RecipeInfo[] = [{ name: 'shapes-quick', description: 'the whole pipeline in seconds', path: '/r/shapes-quick.yaml' }];
  backends: BackendReport = {
    backends: [
      { name: 'cuda', available: false, reason: 'the native addon is not built' },
      { name: 'wasm', available: true, reason: 'WebAssembly' },
      { name: 'cpu', available: true, reason: 'plain JavaScript' },
    ],
    picked: { name: 'wasm', reason: 'best available: WebAssembly' },
  };

  /** The import history (`imports:list`, newest first) and each import's rejected records (`imports:rejections`). */
  imports: ImportHistoryEntry[] = [];
  readonly importRejections = new Map<number, RejectedRecord[]>();

  /** Blind-review picks (`pairs:review`), in order. */
  readonly reviews: Array<{ id: number; pick: ReviewPick }> = [];
  /** What `datasets:stats` answers, by dataset name. */
  readonly datasetStats = new Map<string, DatasetStats>();

  /** The workspace's study reports (`reports:list` / `reports:get`), newest first. */
  reports: Array<{ summary: ReportSummary; report: StudyReport }> = [];
  /** What `runs:check` finds unusable (before the request's exclusions), and the model it names. */
  unusablePairs: UnusablePair[] = [];
  checkedModel: CheckedModel = { name: 'preset toy', tokenizer: 'the built-in Shapes tokenizer', maxLength: 128, imageTokenCount: 16, parameters: { encoder: 152_000, projector: 8_320, lm: 108_000 },
    memory: { weights: 2 ** 20, gradients: 2 ** 20, optimizerState: 2 ** 21, activations: 3 * 2 ** 20, total: 7 * 2 ** 20, available: { bytes: 2 ** 34, source: 'the 16.00 GiB of RAM the native backend uses' } },
  };
  /** The study `studies:start` is running, until the test ends it (`endStudy`, `failStudy`) or the window cancels it. */
  study: { job: string; request: Record<string, unknown>; end: (name: string | null) => void; fail: (err: PivotError) => void } | null = null;

  constructor(pairs: PreferencePair[], info: Partial<WorkspaceInfo> = {}) {
    this.pairs = pairs;
    this.info = {
      path: '/tmp/workspace',
      schemaVersion: 1,
      pairs: pairs.length,
      datasets: [{ name: 'shapes', format: 'trl', pairs: pairs.length, importedAt: '2025-01-01T00:00:00.000Z' }],
      tags: ['blurry', 'hallucination'],
      nativeDialogs: false,
      ...info,
    };
  }

  callsOf(channel: ChannelName): Record<string, unknown>[] {
    return this.calls.filter((c) => c.channel === channel).map((c) => c.request);
  }

  /** Each listener gets its own copy, as over IPC or a WebSocket: the window never shares an object with the backend. */
  emit<E extends EventName>(event: E, payload: Events[E]): void {
    for (const l of this.listeners.get(event) ?? []) (l as (p: Events[E]) => void)(structuredClone(payload));
  }

  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  imageUrl(hash: string, thumb: boolean): string {
    return `fake://${hash}${thumb ? '?thumb' : ''}`;
  }

  async invoke(channel: ChannelName, request: unknown): Promise<Result<unknown>> {
    const req = (request ?? {}) as Record<string, unknown>;
    this.calls.push({ channel, request: JSON.parse(JSON.stringify(req)) as Record<string, unknown> });
    try {
      const override = this.overrides.get(channel);
      const data = override ? await override(req) : await this.handle(channel, req);
      return { ok: true, data: structuredClone(data) };
    } catch (err) {
      return { ok: false, error: PivotError.toData(err) };
    }
  }

  private find(id: unknown): PreferencePair {
    const pair = this.pairs.find((p) => p.id === id);
    if (!pair) throw new PivotError('NOT_FOUND', `No pair ${String(id)}.`);
    return pair;
  }

  private matching(filter: PairFilter = {}, ignoreStatus = false): PreferencePair[] {
    return this.pairs.filter(
      (p) =>
        (ignoreStatus || !filter.status?.length || filter.status.includes(p.status)) &&
        (!filter.tags?.length || filter.tags.some((t) => p.tags.includes(t))) &&
        (!filter.text || [p.question, p.chosen, p.rejected].some((s) => s.toLowerCase().includes(filter.text!.toLowerCase()))),
    );
  }

  private record(pair: PreferencePair, action: string, fields: (keyof PairHistoryEntry['before'])[], batch?: string): void {
    const before: PairHistoryEntry['before'] = {};
    for (const f of fields) (before as Record<string, unknown>)[f] = pair[f];
    const list = this.history.get(pair.id) ?? [];
    list.push({ entry: { at: new Date(Date.UTC(2025, 0, 2, 0, 0, this.clock)).toISOString(), before, action }, before: { ...pair }, ...(batch ? { batch } : {}) });
    this.history.set(pair.id, list);
  }

  private replace(pair: PreferencePair): PreferencePair {
    this.clock += 1;
    const updated = { ...pair, updatedAt: new Date(Date.UTC(2025, 0, 2, 0, 0, this.clock)).toISOString() };
    this.pairs = this.pairs.map((p) => (p.id === pair.id ? updated : p));
    return updated;
  }

  /** Agreement over every pair reviewed, each by its latest pick. */
  private agreement(): ReviewAgreement {
    const latest = new Map(this.reviews.map((r) => [r.id, r.pick]));
    return { reviewed: latest.size, agreed: [...latest.values()].filter((p) => p === 'chosen').length };
  }

  private handle(channel: ChannelName, req: Record<string, unknown>): unknown {
    switch (channel) {
      case 'workspace:info':
        return { ...this.info, pairs: this.pairs.length, tags: [...new Set([...this.info.tags, ...this.pairs.flatMap((p) => p.tags)])].sort() };
      case 'pairs:list': {
        const all = this.matching(req.filter as PairFilter);
        const offset = (req.offset as number | undefined) ?? 0;
        const limit = (req.limit as number | undefined) ?? 100;
        return { items: all.slice(offset, offset + limit), total: all.length, offset };
      }
      case 'pairs:counts': {
        const counts: StatusCounts = { pending: 0, accepted: 0, rejected: 0, 'needs-review': 0, total: 0 };
        for (const p of this.matching(req.filter as PairFilter, true)) {
          counts[p.status] += 1;
          counts.total += 1;
        }
        return counts;
      }
      case 'pairs:get':
        return this.find(req.id);
      case 'pairs:update': {
        const pair = this.find(req.id);
        const edit = req.edit as PairEdit;
        this.record(pair, 'edit', Object.keys(edit) as (keyof PairEdit)[]);
        return this.replace({ ...pair, ...edit });
      }
      case 'pairs:swap': {
        const pair = this.find(req.id);
        this.record(pair, 'swap', ['chosen', 'rejected']);
        return this.replace({ ...pair, chosen: pair.rejected, rejected: pair.chosen });
      }
      case 'pairs:undo': {
        const pair = this.find(req.id);
        const last = this.history.get(pair.id)?.pop();
        if (!last) throw new PivotError('NOTHING_TO_UNDO', `Pair ${pair.id} has no edit to undo.`);
        return this.replace({ ...pair, ...last.entry.before });
      }
      case 'pairs:history':
        return (this.history.get(this.find(req.id).id) ?? []).map((h) => h.entry);
      case 'pairs:bulk': {
        const target = req.target as { ids?: number[]; filter?: PairFilter };
        const ids = target.ids ?? this.matching(target.filter).map((p) => p.id);
        const action = req.action as { kind: string; status?: PairStatus; tag?: string };
        const job = req.job as string;
        for (const id of ids) {
          const pair = this.find(id);
          if (action.kind === 'status') {
            this.record(pair, 'bulk-status', ['status'], job);
            this.replace({ ...pair, status: action.status! });
          }
          if (action.kind === 'add-tag' && !pair.tags.includes(action.tag!)) {
            this.record(pair, 'bulk-add-tag', ['tags'], job);
            this.replace({ ...pair, tags: [...pair.tags, action.tag!] });
          }
        }
        if (action.kind === 'delete') this.pairs = this.pairs.filter((p) => !ids.includes(p.id));
        return { affected: ids.length };
      }
      case 'pairs:undo-bulk': {
        let affected = 0;
        for (const [id, list] of this.history) {
          if (list.at(-1)?.batch !== req.job) continue;
          this.replace({ ...this.find(id), ...list.pop()!.entry.before });
          affected += 1;
        }
        if (affected === 0) throw new PivotError('NOTHING_TO_UNDO', `The bulk action ${String(req.job)} has no change left to undo.`);
        return { affected };
      }
      case 'data:import': {
        const report: ImportReport = { format: 'trl', imported: 0, skipped: 0, blankLines: 0, rejected: [] };
        return report;
      }
      case 'pairs:review':
        this.reviews.push({ id: req.id as number, pick: req.pick as ReviewPick });
        return this.agreement();
      case 'pairs:agreement':
        return this.agreement();
      case 'datasets:stats': {
        const stats = this.datasetStats.get(req.dataset as string);
        if (!stats) throw new PivotError('NOT_FOUND', `No dataset named "${String(req.dataset)}" in this workspace.`);
        return stats;
      }
      case 'imports:list':
        return this.imports.filter((i) => req.dataset === undefined || i.dataset === req.dataset);
      case 'imports:rejections': {
        const records = this.importRejections.get(req.id as number);
        if (!records) throw new PivotError('NOT_FOUND', `No import with id ${String(req.id)} in this workspace.`);
        return records;
      }
      case 'data:export':
        return { path: req.path, written: 0, images: 0 };
      case 'dialog:pick-file':
        return null;
      case 'runs:start': {
        const run = makeRun(Math.max(0, ...this.runs.map((r) => r.id)) + 1, {
          name: (req.name as string | undefined) ?? 'new-run',
          recipe: req.recipe as string,
          objective: (req.objective as RunInfo['objective'] | undefined) ?? null,
          status: 'queued',
          data: (req.data as RunInfo['data'] | undefined) ?? null,
        });
        this.runs = [run, ...this.runs];
        return run;
      }
      case 'runs:check': {
        const exclude = new Set((req.data as { exclude?: number[] }).exclude ?? []);
        const unusable = this.unusablePairs.filter((u) => !exclude.has(u.id));
        const selected = this.pairs.length;
        return { model: this.checkedModel, selected, excluded: exclude.size, usable: selected - exclude.size - unusable.length, unusable };
      }
      case 'runs:list':
        return this.runs;
      case 'runs:get':
        return this.findRun(req.id);
      case 'runs:metrics': {
        const points = this.runMetrics.get(this.findRun(req.id).id) ?? [];
        return { runId: req.id, total: points.length, points: downsamplePoints(points, (req.maxPoints as number | undefined) ?? 2000) };
      }
      case 'runs:logs': {
        const after = (req.afterId as number | undefined) ?? 0;
        return { runId: req.id, entries: (this.runLogs.get(this.findRun(req.id).id) ?? []).filter((e) => e.id > after), more: false };
      }
      case 'runs:config':
        return this.runConfigs.get(this.findRun(req.id).id) ?? { runId: req.id, recipe: null, launch: null };
      case 'runs:pause':
        return this.atEngineStep(this.controllable(req.id, 'pause'), 'running', 'paused');
      case 'runs:resume': {
        // A crashed or cancelled run is queued again at once; a paused one continues at the engine's next step.
        const run = this.findRun(req.id);
        if (['crashed', 'cancelled'].includes(run.status)) return this.setRunStatus(run.id, 'queued');
        return this.atEngineStep(this.controllable(run.id, 'resume'), 'paused', 'running');
      }
      case 'runs:cancel': {
        // A queued run is cancelled at once; a running or paused one stops at the engine's next step.
        const run = this.findRun(req.id);
        if (run.status === 'queued') return this.setRunStatus(run.id, 'cancelled');
        const active = this.controllable(run.id, 'cancel');
        this.atNextStep.push(() => this.setRunStatus(active.id, 'cancelled'));
        return active;
      }
      case 'recipes:list':
        return this.recipes;
      case 'engine:backends':
        return this.backends;
      case 'runs:export':
        return this.exportEncoder(req);
      case 'reports:list':
        return this.reports.map((r) => r.summary);
      case 'reports:get': {
        const found = this.reports.find((r) => r.summary.name === req.name);
        if (!found) throw new PivotError('NOT_FOUND', `No report "${String(req.name)}" in this workspace.`);
        return found.report;
      }
      case 'studies:start':
        return this.startStudy(req);
      case 'studies:cancel': {
        const study = this.study;
        if (!study || study.job !== req.job) throw new PivotError('NOT_FOUND', `No study with job id "${String(req.job)}" is running in this workspace.`);
        study.end(null);
        return null;
      }
    }
  }

  /** Ends the running study as the app does: its report added under `name` (listed first), or cancelled with null. */
  endStudy(name: string | null, report?: { summary: ReportSummary; report: StudyReport }): void {
    if (name !== null && report) this.reports = [report, ...this.reports];
    this.study?.end(name);
  }

  failStudy(err: PivotError): void {
    this.study?.fail(err);
  }

  /** The app's one-study-at-a-time rule; the answer comes when the test or a cancel ends the study. */
  private startStudy(req: Record<string, unknown>): Promise<string | null> {
    if (this.study) {
      throw new PivotError('INVALID_REQUEST', `A study is already running in this workspace (job ${this.study.job}): wait for it to finish, or cancel it, before starting another.`);
    }
    return new Promise<string | null>((resolve, reject) => {
      this.study = {
        job: req.job as string,
        request: req,
        end: (name) => {
          this.study = null;
          resolve(name);
        },
        fail: (err) => {
          this.study = null;
          reject(err);
        },
      };
    });
  }

  private findRun(id: unknown): RunInfo {
    const run = this.runs.find((r) => r.id === id);
    if (!run) throw new PivotError('NOT_FOUND', `No run ${String(id)} in this workspace.`);
    return run;
  }

  /** The app's export, minus the engine: the same refusals, and the report of a bit-exact export. */
  private exportEncoder(req: Record<string, unknown>): EncoderExportReport {
    const run = this.findRun(req.id);
    if (['queued', 'running', 'paused'].includes(run.status)) throw new PivotError('INVALID_REQUEST', `Run ${run.id} is ${run.status}: export its encoder once it has finished.`);
    const checkpoint = run.result?.finalCheckpoint;
    if (!checkpoint) throw new PivotError('INVALID_REQUEST', `Run ${run.id} ended ${run.status} without a final checkpoint, so it has no trained encoder to export; train it again.`);
    const withProjector = req.withProjector === true;
    return {
      out: req.path as string, checkpoint, runDir: run.runDir, stage: run.objective, step: 8, objective: run.objective, architecture: 'SiglipVisionModel',
      modelType: 'siglip_vision_model', baseModel: null, withProjector, maxRelativeError: 0,
      files: ['README.md', 'config.json', 'model.safetensors', 'preprocessor_config.json', ...(withProjector ? ['projector.safetensors'] : [])],
    };
  }

  /** Answers with the run as it was (the status change arrives as a run:status event, as from the app). */
  /** The run manager's refusals for a run that is not training here: queued, or ended. */
  private controllable(id: unknown, verb: string): RunInfo {
    const run = this.findRun(id);
    if (run.status === 'queued') throw new PivotError('INVALID_REQUEST', `Run ${run.id} is queued: it can ${verb} once it has started (or cancel it now).`);
    if (run.status !== 'running' && run.status !== 'paused') throw new PivotError('INVALID_REQUEST', `Run ${run.id} has ended (${run.status}); there is nothing to ${verb}.`);
    return run;
  }

  /** As the engine host: a run in status `from` changes to `to` at its next step; the answer is the run as it is. */
  private atEngineStep(run: RunInfo, from: RunStatus, to: RunStatus): RunInfo {
    if (run.status === from) this.atNextStep.push(() => this.setRunStatus(run.id, to));
    return run;
  }

  /**
   * The engine takes its next step: pauses, resumes and cancels asked for since take effect, each reported as
   * `run:status` (the real engine answers `runs:pause` with the run still running and reports `paused` later).
   */
  engineStep(): void {
    for (const change of this.atNextStep.splice(0)) change();
  }

  /** Records the run's new status and reports it as `run:status`; returns the changed run. */
  private setRunStatus(id: number, to: RunStatus): RunInfo {
    const changed = { ...this.findRun(id), status: to };
    this.runs = this.runs.map((r) => (r.id === id ? changed : r));
    this.emit('run:status', { run: changed });
    return changed;
  }
}

export function manyPairs(n: number, overrides: (id: number) => Partial<PreferencePair> = () => ({})): PreferencePair[] {
  return Array.from({ length: n }, (_, i) => makePair(i + 1, overrides(i + 1)));
}
