// The typed contract between the window and the app: every request channel (`domain:verb`) with the zod schema
// of its request and the type of its response, and every event. Both transports (Electron IPC and the
// `pivot serve` WebSocket) carry exactly this, and main validates every request against it.
import { z } from 'zod';
import {
  bulkActionSchema,
  bulkTargetSchema,
  pairEditSchema,
  pairFilterSchema,
  pairQuerySchema,
  REVIEW_PICKS,
  type PairPage,
  type PreferencePair,
  type ReviewAgreement,
  type StatusCounts,
} from '../domain/pairs';
import type { DatasetStats } from '../domain/dataset-stats';
import { IMPORT_FORMATS, type ImportHistoryEntry, type ImportReport, type RejectedRecord } from '../domain/import-report';
import {
  ENGINE_BACKENDS,
  runDataSchema,
  runStartSchema,
  type BackendReport,
  ENCODER_PROBES,
  type EncoderExportReport,
  type EncoderProbeResult,
  type RecipeInfo,
  type RunConfig,
  type RunEventData,
  type RunInfo,
  type RunLogPage,
  type RunMetrics,
  type SweepSummary,
} from '../domain/runs';
import { pairCheckRequestSchema, type PairCheck } from '../domain/pair-check';
import { baseModelSchema } from '../domain/run-settings';
import { reportNameSchema } from '../domain/report-paths';
import type { ReportSummary, StudyReport } from '../domain/study-report';
import type { ErrorData } from '../errors';

/** A channel: the request's schema, and its response type carried as a phantom. */
export interface Channel<Req extends z.ZodType, Res> {
  request: Req;
  /** Never set: only carries the response type (wrapped, so a nullable response keeps its null). */
  response?: { value: Res };
}
function channel<Res>() {
  return <Req extends z.ZodType>(request: Req): Channel<Req, Res> => ({ request });
}

const pairId = z.number().int().positive();
const nothing = z.object({}).strict();
const runRef = z.object({ id: z.number().int().positive() }).strict();

export interface DatasetSummary {
  name: string;
  format: string;
  pairs: number;
  importedAt: string;
}

export interface WorkspaceInfo {
  path: string;
  schemaVersion: number;
  pairs: number;
  datasets: DatasetSummary[];
  tags: string[];
  /** Capabilities of the transport the window is using (a native file picker exists only in Electron). */
  nativeDialogs: boolean;
}

export interface PairHistoryEntry {
  at: string;
  /** The fields as they were before the edit. */
  before: Partial<Pick<PreferencePair, 'question' | 'chosen' | 'rejected' | 'status' | 'tags' | 'note' | 'split'>>;
  action: string;
}

export interface BulkResult {
  affected: number;
}

export interface ExportResult {
  path: string;
  written: number;
  images: number;
}

export type { EncoderExportReport };

/**
 * What the file pickers are for: pairs to import, a pairs file to write, the folder of an encoder export, a model
 * folder to train from (a Hugging Face LLaVA, encoder or LM folder).
 */
export const PICK_PURPOSES = ['import', 'export', 'export-encoder', 'model-folder'] as const;
export type PickPurpose = (typeof PICK_PURPOSES)[number];


/** A POSIX or Windows (drive or UNC) absolute path. */
const ABSOLUTE_PATH = /^(\/|[A-Za-z]:[\\/]|\\\\)/;

/**
 * The recipe of a study started from the window: a built-in name, or the absolute path of a recipe file (a relative
 * one would be read from wherever the app happens to run).
 */
const studyRecipeSchema = z
  .string()
  .trim()
  .min(1)
  .refine((s) => ABSOLUTE_PATH.test(s) || (/^[\w.-]+$/.test(s) && !/\.(ya?ml|json)$/i.test(s)), {
    message: 'Give a built-in recipe name (e.g. shapes-quick) or the absolute path of a recipe file.',
  });

export const contract = {
  'workspace:info': channel<WorkspaceInfo>()(nothing),
  'pairs:list': channel<PairPage>()(pairQuerySchema),
  'pairs:counts': channel<StatusCounts>()(z.object({ filter: pairFilterSchema.default({}) }).strict()),
  'pairs:get': channel<PreferencePair>()(z.object({ id: pairId }).strict()),
  'pairs:update': channel<PreferencePair>()(z.object({ id: pairId, edit: pairEditSchema }).strict()),
  'pairs:swap': channel<PreferencePair>()(z.object({ id: pairId }).strict()),
  'pairs:undo': channel<PreferencePair>()(z.object({ id: pairId }).strict()),
  'pairs:history': channel<PairHistoryEntry[]>()(z.object({ id: pairId }).strict()),
  'pairs:bulk': channel<BulkResult>()(
    z.object({ target: bulkTargetSchema, action: bulkActionSchema, job: z.string().min(1).max(64) }).strict(),
  ),
  /** Undoes a whole bulk action, named by the job it ran as; `affected` is how many pairs were restored. */
  'pairs:undo-bulk': channel<BulkResult>()(z.object({ job: z.string().min(1).max(64) }).strict()),
  /**
   * Records a blind reviewer's pick for a pair (which answer, by its true role, they preferred with the labels hidden);
   * answers with the agreement over the pairs `filter` matches.
   */
  'pairs:review': channel<ReviewAgreement>()(
    z.object({ id: pairId, pick: z.enum(REVIEW_PICKS), filter: pairFilterSchema.default({}) }).strict(),
  ),
  /** Blind-review agreement over the pairs `filter` matches (each reviewed pair counted once, by its latest pick). */
  'pairs:agreement': channel<ReviewAgreement>()(z.object({ filter: pairFilterSchema.default({}) }).strict()),
  /** One dataset's statistics: status mix, length-bias histogram, blind-review agreement; NOT_FOUND for an unknown name. */
  'datasets:stats': channel<DatasetStats>()(z.object({ dataset: z.string().min(1).max(200) }).strict()),
  'data:import': channel<ImportReport>()(
    z
      .object({
        path: z.string().min(1),
        format: z.enum(IMPORT_FORMATS).optional(),
        dataset: z.string().trim().min(1).max(200).optional(),
        job: z.string().min(1).max(64),
      })
      .strict(),
  ),
  /** The import history: every import's report, of one dataset (by name) or of all, newest first. */
  'imports:list': channel<ImportHistoryEntry[]>()(z.object({ dataset: z.string().min(1).max(200).optional() }).strict()),
  /** The records one import rejected (line or index, record id, reason), in file order; NOT_FOUND for an unknown id. */
  'imports:rejections': channel<RejectedRecord[]>()(z.object({ id: z.number().int().positive() }).strict()),
  /** Refused with INVALID_REQUEST and details `{ exists: path }` when the file exists and `overwrite` is not set. */
  'data:export': channel<ExportResult>()(
    z
      .object({
        path: z.string().min(1).refine((s) => ABSOLUTE_PATH.test(s), { message: 'Give the absolute path of the .jsonl file to write.' }),
        overwrite: z.boolean().default(false),
        filter: pairFilterSchema.default({}),
        job: z.string().min(1).max(64),
      })
      .strict(),
  ),
  'dialog:pick-file': channel<string | null>()(
    z.object({ purpose: z.enum(PICK_PURPOSES) }).strict(),
  ),
  /** Queues a training run (it starts at once when none is running); the data is exported into its folder first. */
  'runs:start': channel<RunInfo>()(runStartSchema),
  /**
   * Checks the workspace pairs a run would train on against its recipe's model (tokenizer, context with the image
   * expanded, image decoding) on an engine host: counts, and every unusable pair by id and dataset with its reason.
   * `runs:start` refuses (INVALID_DATA) while any of them is not excluded.
   */
  'runs:check': channel<PairCheck>()(pairCheckRequestSchema),
  /** Every run of the workspace, newest first. */
  'runs:list': channel<RunInfo[]>()(nothing),
  'runs:get': channel<RunInfo>()(runRef),
  /** A run's recorded metrics, at most `maxPoints` of them (bucket means) for a chart. */
  'runs:metrics': channel<RunMetrics>()(
    z.object({ id: z.number().int().positive(), maxPoints: z.number().int().min(2).max(100_000).default(2000) }).strict(),
  ),
  /** A run's log after entry `afterId`, oldest first. */
  'runs:logs': channel<RunLogPage>()(
    z
      .object({
        id: z.number().int().positive(),
        afterId: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(5000).default(1000),
      })
      .strict(),
  ),
  /** A run's full configuration as its folder records it: the resolved recipe and what its engine host was launched with. */
  'runs:config': channel<RunConfig>()(runRef),
  'runs:pause': channel<RunInfo>()(runRef),
  /** Continues a paused run; queues a crashed or cancelled one again, to train on from its folder's last checkpoint. */
  'runs:resume': channel<RunInfo>()(runRef),
  /** Stops a run at its next step (the engine keeps its checkpoint), or drops it from the queue. */
  'runs:cancel': channel<RunInfo>()(runRef),
  /**
   * Exports a finished run's trained encoder as a Hugging Face folder (re-loaded and checked before it is kept), on
   * an engine host of its own, so a run may train meanwhile. `path` is an absolute folder, new or empty unless
   * `overwrite`; `job` keys its `job:progress` events.
   */
  'runs:export': channel<EncoderExportReport>()(
    z
      .object({
        id: z.number().int().positive(),
        path: z.string().trim().min(1),
        withProjector: z.boolean().default(false),
        overwrite: z.boolean().default(false),
        job: z.string().min(1).max(64),
      })
      .strict(),
  ),
  /** The built-in recipes (resources/recipes/*.yaml). */
  'recipes:list': channel<RecipeInfo[]>()(nothing),
  /** The engine's backends on this machine, and the one a run gets by default. */
  'engine:backends': channel<BackendReport>()(nothing),
  /** The study reports of the workspace (`<workspace>/reports/<name>/report.json`), newest first. */
  'reports:list': channel<ReportSummary[]>()(nothing),
  /** One report's report.json; the name is one folder of `<workspace>/reports` (no `/`, `\\` or `..`). */
  'reports:get': channel<StudyReport>()(z.object({ name: reportNameSchema }).strict()),
  /**
   * Exports the encoder of one column of a report (original / sft / dpo, or any other its `encoders` records) as
   * `runs:export` exports a run's: the checkpoint the report names for that column, into `path`.
   */
  'reports:export-encoder': channel<EncoderExportReport>()(
    z
      .object({
        report: reportNameSchema,
        column: z.string().min(1).max(200),
        path: z.string().trim().min(1),
        withProjector: z.boolean().default(false),
        overwrite: z.boolean().default(false),
        job: z.string().min(1).max(64),
      })
      .strict(),
  ),
  /**
   * Runs the study (SFT and DPO trained from one base, the three encoders measured) on an engine host of its own,
   * one at a time per workspace; `job` keys its `job:progress` events (done / total: the study's phases) and names it
   * to `studies:cancel`. Resolves with the new report's name under `<workspace>/reports/`, or null when cancelled.
   */
  'studies:start': channel<string | null>()(
    z
      .object({
        recipe: studyRecipeSchema,
        /** Workspace pairs both branches train on instead of the recipe's data (checked first, as a run's are). */
        data: runDataSchema.options[1].optional(),
        /** The base MLLM both branches start from instead of the recipe's. */
        model: baseModelSchema.optional(),
        quick: z.boolean().default(false),
        seeds: z.number().int().min(1).max(10).default(3),
        backend: z.enum(ENGINE_BACKENDS).optional(),
        job: z.string().min(1).max(64),
      })
      .strict(),
  ),
  /** Stops the running study (its engine host is killed) and removes what it had written; resolves once it has. */
  'studies:cancel': channel<null>()(z.object({ job: z.string().min(1).max(64) }).strict()),
  /**
   * Runs a recipe's sweep (what `pivot sweep` runs) on an engine host of its own, one at a time per workspace, into
   * `<workspace>/sweeps/<date-time>/`; progress as `job:progress`. Resolves with its summary, or null when cancelled
   * (`sweeps:cancel`; the folder is kept, and a sweep started on it again would skip its finished points).
   */
  'sweeps:start': channel<SweepSummary | null>()(
    z
      .object({
        recipe: studyRecipeSchema,
        probeSeeds: z.number().int().min(1).max(10).default(3),
        backend: z.enum(ENGINE_BACKENDS).optional(),
        job: z.string().min(1).max(64),
      })
      .strict(),
  ),
  'sweeps:cancel': channel<null>()(z.object({ job: z.string().min(1).max(64) }).strict()),
  /**
   * Probes a finished run's encoder (linear and / or segmentation probe) on an engine host of its own, on `data` or
   * else the data the run trained on; progress as `job:progress`.
   */
  'probes:start': channel<EncoderProbeResult>()(
    z
      .object({
        id: z.number().int().positive(),
        data: z.string().trim().min(1).refine((s) => ABSOLUTE_PATH.test(s), { message: 'Give the absolute path of the data folder.' }).optional(),
        probes: z.array(z.enum(ENCODER_PROBES)).min(1).max(ENCODER_PROBES.length),
        seeds: z.number().int().min(1).max(10).default(3),
        backend: z.enum(ENGINE_BACKENDS).optional(),
        job: z.string().min(1).max(64),
      })
      .strict(),
  ),
} as const;

export type Contract = typeof contract;
export type ChannelName = keyof Contract;
export type RequestOf<C extends ChannelName> = z.input<Contract[C]['request']>;
export type ParsedRequestOf<C extends ChannelName> = z.output<Contract[C]['request']>;
export type ResponseOf<C extends ChannelName> = NonNullable<Contract[C]['response']>['value'];

export function isChannelName(name: unknown): name is ChannelName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}

/** Events pushed from the app to the window. */
export interface Events {
  /** Progress of a long request (import, export, bulk), keyed by the job id the window chose. */
  'job:progress': { job: string; done: number; total: number; label: string };
  /** Pairs changed outside the window's own request (another window, the CLI). */
  'pairs:changed': { reason: string };
  /**
   * What a running run reports (stage, metrics, checkpoint, log). A metrics event carries its place on the run's own
   * axes (`axis`), the numbers `runs:metrics` returns for it later; a log event the id of its entry in `runs:logs`
   * (every line of the run's log is sent, the app's own lines — stage started, checkpoint, crash — included).
   */
  'run:event': { runId: number; event: RunEventData; axis?: { runStep: number; runMs: number }; logId?: number };
  /** A run changed status (queued, running, paused, … crashed) or name; carries the whole record. */
  'run:status': { run: RunInfo };
}
export type EventName = keyof Events;
export const EVENT_NAMES: readonly EventName[] = ['job:progress', 'pairs:changed', 'run:event', 'run:status'];

/** What crosses the wire for a response: data or an error as data. */
export type Result<T> = { ok: true; data: T } | { ok: false; error: ErrorData };
