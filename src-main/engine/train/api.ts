// The training engine's boundary: what the CLI, the engine host process and the app call, and what they hear back.
// Everything behind it (models, objectives, loop, checkpoints) is free to change; this is the contract.
import type { RunEventData, RunObjective } from '../../../src-shared/domain/runs';

export type Objective = RunObjective;

/**
 * What a run reports while it trains; the host forwards these to the CLI's progress bar and the window's charts.
 * Defined once in src-shared, because the window receives them as they are.
 */
export type RunEvent = RunEventData;

/** How the host pauses and cancels a run: checked between optimisation steps. */
export interface RunControl {
  shouldStop(): boolean;
  waitWhilePaused(): Promise<void>;
}

export interface TrainOptions {
  /** A recipe file (JSON or YAML) or a built-in recipe name. */
  recipe: string;
  /** The post-training branch; the recipe's default when omitted. */
  objective?: Objective;
  /** Folder of the run: checkpoints, metrics.jsonl, the resolved recipe. Resumed when it holds a checkpoint. */
  runDir: string;
  /** Dataset folder (TRL JSONL `pairs.jsonl` + images, and `captions.jsonl` when present); overrides the recipe's. */
  data?: string;
  /** tfjs backend name; the best available when omitted. */
  backend?: string;
  /** CPU threads of the native backend (1–1024); all cores when omitted. */
  threads?: number;
  control?: RunControl;
  onEvent?: (event: RunEvent) => void;
}

export interface StageResult {
  name: string;
  steps: number;
  finalLoss: number;
  checkpoint: string;
}

export interface TrainResult {
  runDir: string;
  backend: string;
  objective: Objective;
  stages: StageResult[];
  /** Folder of the last checkpoint: the post-trained MLLM. */
  finalCheckpoint: string;
  cancelled: boolean;
}
