// Training runs as the window, the CLI and the workspace see them: a run's record, its metrics and log, the
// request that starts one, and the engine's events in wire form (src-shared cannot import the engine).
import { z } from 'zod';
import { pairFilterSchema } from './pairs';
import { baseModelSchema, branchSettingsSchema } from './run-settings';

export const OBJECTIVES = ['sft', 'dpo'] as const;
export type RunObjective = (typeof OBJECTIVES)[number];

/** The tfjs backends, best first (the engine's list; src-main/engine/host/protocol.ts checks they agree). */
export const ENGINE_BACKENDS = ['cuda', 'native', 'tensorflow', 'wasm', 'cpu'] as const;
export type EngineBackend = (typeof ENGINE_BACKENDS)[number];
/** The most CPU threads the native backend takes (`threads`, `--threads`); all cores when not given. */
export const ENGINE_MAX_THREADS = 1024;

export const RUN_STATUSES = ['queued', 'running', 'paused', 'completed', 'failed', 'cancelled', 'crashed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** A run in one of these still holds (or waits for) the engine. */
export const ACTIVE_RUN_STATUSES: readonly RunStatus[] = ['queued', 'running', 'paused'];

/**
 * Where a run's preference pairs come from: a dataset folder (TRL `pairs.jsonl` + images) as it is, or the pairs of
 * this workspace that a filter matches (default: the accepted ones), exported into the run's folder when it starts.
 */
export const runDataSchema = z.union([
  z.object({ folder: z.string().trim().min(1) }).strict(),
  z
    .object({
      dataset: z.string().min(1).optional(),
      filter: pairFilterSchema.default({ status: ['accepted'] }),
      /** Pairs the filter matches that the run leaves out (those the pair check found unusable, say). */
      exclude: z.array(z.number().int().positive()).max(1_000_000).optional(),
    })
    .strict(),
]);
export type RunData = z.output<typeof runDataSchema>;

export const runStartSchema = z
  .object({
    /** A built-in recipe name (`recipes:list`) or the path of a recipe file (YAML or JSON). */
    recipe: z.string().trim().min(1).max(1000),
    /** The recipe's default when omitted. */
    objective: z.enum(OBJECTIVES).optional(),
    /** The recipe's own data when omitted. */
    data: runDataSchema.optional(),
    /** The best available when omitted. */
    backend: z.enum(ENGINE_BACKENDS).optional(),
    /** CPU threads of the native backend; all cores when omitted. */
    threads: z.number().int().min(1).max(ENGINE_MAX_THREADS).optional(),
    name: z.string().trim().min(1).max(200).optional(),
    /** The base model instead of the recipe's. */
    model: baseModelSchema.optional(),
    /** The branch's trained parts, per-module learning rates and β instead of the recipe's. */
    branch: branchSettingsSchema.optional(),
  })
  .strict();
export type RunStartRequest = z.input<typeof runStartSchema>;
export type ParsedRunStart = z.output<typeof runStartSchema>;

/** One stage of a run's pipeline as planned: its optimisation steps, and the training items each step takes. */
export interface StagePlan {
  stage: string;
  totalSteps: number;
  /** batchSize × gradAccum (a stage's last step of an epoch may take fewer). */
  samplesPerStep: number;
}

/** Where a run stands inside its recipe, from the last metrics it reported. */
export interface RunProgress {
  stage: string;
  /** The stage's number (1-based, as the engine counts them in its `stage` events) and the number of stages. */
  stageNumber: number;
  stages: number;
  step: number;
  totalSteps: number;
  /** Every stage of the pipeline as planned when the current one started (absent in runs recorded before it was). */
  plan?: StagePlan[];
}

/** A run as recorded in the workspace. Times are ISO 8601. */
export interface RunInfo {
  id: number;
  name: string;
  recipe: string;
  /** As asked, or as the engine reported once the run ended; null while the recipe's default is not known. */
  objective: RunObjective | null;
  /** As asked, or the one the engine trained on once the run ended; null = the best available. */
  backend: string | null;
  data: RunData | null;
  status: RunStatus;
  /** Why it failed, crashed or was stopped, in words. */
  error: string | null;
  /** Absolute path of `<workspace>/runs/<id>`. */
  runDir: string;
  progress: RunProgress | null;
  /** The engine's result (final checkpoint, per-stage losses) once it ended normally. */
  result: RunResultData | null;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
}

/** What a run's engine host was last launched with (`<run folder>/launch.json`): at its start, or its last resume. */
export interface RunLaunch {
  recipe: string;
  objective?: RunObjective;
  /** The data folder the engine read (the workspace's pairs exported into the run folder, or a folder given). */
  data?: string;
  /** As asked; the backend trained on is the run's `backend` once it has ended. */
  backend?: string;
  /** CPU threads of the native backend; all cores when absent. */
  threads?: number;
  launchedAt: string;
}

/** A run's full configuration (`runs:config`), as its folder records it. */
export interface RunConfig {
  runId: number;
  /**
   * The run folder's recipe.json: the resolved recipe the engine recorded (seed, model, data with the workspace pairs'
   * datasets, filter, counts and hash, every stage's settings); null until the engine has started the run.
   */
  recipe: Record<string, unknown> | null;
  launch: RunLaunch | null;
}

/** The engine's TrainResult in wire form. */
export interface RunResultData {
  runDir: string;
  backend: string;
  objective: RunObjective;
  stages: Array<{ name: string; steps: number; finalLoss: number; checkpoint: string }>;
  finalCheckpoint: string;
  cancelled: boolean;
  /** A run brought in by `pivot runs import` (trained elsewhere, e.g. with TRL): where from, and its folder's layout. */
  imported?: ImportedCheckpoint;
}

/** A LLaVA checkpoint folder as transformers' save_pretrained writes it, copied into a run as its final checkpoint. */
export interface ImportedCheckpoint {
  /** The folder it was copied from (absolute). */
  from: string;
  /** When it was imported (ISO 8601). */
  at: string;
  layout: 'llava';
  /** The tensor names' layout: transformers 4.x (`vision_tower.…`) or 5 (`model.vision_tower.…`). */
  weightNames: 'transformers-4' | 'transformers-5';
  /** Safetensors files holding the weights (1: model.safetensors; more: shards named by model.safetensors.index.json). */
  weightFiles: number;
}

/**
 * What a training run reports (the engine's RunEvent), as the window receives it. Stage `index` counts from 1;
 * `elapsedMs` counts from the stage's start. Metric names are TRL's where TRL has one: loss, learning_rate,
 * grad_norm; DPO adds rewards/chosen, rewards/rejected, rewards/margins, rewards/accuracies, logps/chosen,
 * logps/rejected, ref_logps/chosen, ref_logps/rejected.
 */
export type RunEventData =
  | {
      type: 'stage';
      stage: string;
      index: number;
      of: number;
      totalSteps: number;
      /** Every stage of the pipeline, in order: those still to run as far as their data is known now. */
      plan?: StagePlan[];
    }
  | {
      type: 'metrics';
      stage: string;
      step: number;
      totalSteps: number;
      epoch: number;
      elapsedMs: number;
      values: Record<string, number>;
    }
  | { type: 'checkpoint'; stage: string; step: number; path: string }
  | { type: 'log'; level: 'info' | 'warn'; message: string };

/**
 * One point of a run's metrics. `runStep` and `runMs` run on across stages (a stage that restarts its step count or
 * clock continues from where the previous one ended), so the whole run plots on one axis.
 */
export interface MetricPoint {
  stage: string;
  step: number;
  runStep: number;
  runMs: number;
  values: Record<string, number>;
}

/** The metric names probe-as-you-train (`probeEvery`) logs to metrics.jsonl and the Training tab's probes chart draws. */
export const TRAINING_PROBE_METRICS = { linear: 'probe/linear_accuracy', segmentation: 'probe/seg_miou' } as const;

export interface RunMetrics {
  runId: number;
  /** Points recorded; `points` holds at most the asked maxPoints, each the mean of a run of consecutive points. */
  total: number;
  points: MetricPoint[];
}

export const RUN_LOG_LEVELS = ['info', 'warn', 'error'] as const;
export type RunLogLevel = (typeof RUN_LOG_LEVELS)[number];

export interface RunLogEntry {
  id: number;
  at: string;
  level: RunLogLevel;
  message: string;
}

export interface RunLogPage {
  runId: number;
  entries: RunLogEntry[];
  /** Whether entries after the last one returned exist. */
  more: boolean;
}

/** A built-in recipe (`resources/recipes/<name>.yaml`). */
export interface RecipeInfo {
  name: string;
  description: string;
  path: string;
}

/** One backend's standing on the engine host's machine. */
export interface BackendInfo {
  name: string;
  available: boolean;
  reason: string;
  /** native: the CPU threads it runs on (all cores unless a job asks otherwise). */
  threads?: number;
}

export interface BackendReport {
  backends: BackendInfo[];
  /** What a run without `backend` would train on, and why; null if nothing is available. */
  picked: { name: string; reason: string } | null;
}

/** A run's encoder exported by `runs:export` (the engine's ExportReport; src-main/engine/host/protocol.ts checks they agree; the IPC contract re-uses it). */
export interface EncoderExportReport {
  /** The folder written. */
  out: string;
  checkpoint: string;
  runDir: string | null;
  stage: string | null;
  step: number | null;
  objective: RunObjective | null;
  architecture: string;
  modelType: string;
  baseModel: string | null;
  withProjector: boolean;
  /** File names written into `out`. */
  files: string[];
  /** Of the re-loaded encoder's outputs against the run's: the export's verification (0 when bit-exact). */
  maxRelativeError: number;
}

/** The probes `probes:start` can run on a run's encoder. */
export const ENCODER_PROBES = ['linear', 'segmentation'] as const;
export type EncoderProbe = (typeof ENCODER_PROBES)[number];

/** A mean over seeds, its standard deviation, and how many seeds went in. */
export interface SeedSpread {
  mean: number;
  std: number;
  n: number;
}

/** A run's encoder probed by `probes:start` (the engine's probe job answers exactly this). */
export interface EncoderProbeResult {
  /** The encoder folder probed (the run's final checkpoint's encoder/, or the imported LLaVA folder itself). */
  encoder: string;
  /** The dataset folder it was probed on. */
  data: string;
  backend: string;
  seeds: number;
  /** Accuracy of the linear probe; `chance` is the majority class's rate, `ceiling` every test image right. */
  linear?: { accuracy: SeedSpread; chance: number; ceiling: number };
  /** Patch-level macro recall and mIoU of the segmentation probe, with a constant predictor's as chance. */
  segmentation?: { macroRecall: SeedSpread; mIoU: SeedSpread; chance: { macroRecall: number; mIoU: number } };
}

/** A sweep started by `sweeps:start`, written into `<workspace>/sweeps/<name>/`. */
export interface SweepSummary {
  name: string;
  /** The sweep's folder: run/, points/, sweep.json, sweep.md. */
  out: string;
  /** sweep.md: the table of where (if anywhere) DPO's encoder beats SFT's. */
  markdown: string;
}
