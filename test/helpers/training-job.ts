// A test double of the training engine, run by a real engine host process as its `train` job (the host's
// `--jobs=<this file>` argument): it reads a JSON "recipe" describing stages and behaviour, emits RunEvents on a
// timer, honours RunControl between steps like the engine, writes a checkpoint file per stage (and on cancel, and every
// `checkpointEvery` steps), resumes from the run folder's checkpoints as the engine does, can fail, or exit the
// process, at a given step, and can report a set pace and hold at a step until a test releases it.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JobKind } from '../../src-main/engine/jobs/job';
import { pairFitJob } from '../../src-main/engine/jobs/pair-fit';
import type { PairFitOptions, PairFitReport } from '../../src-main/engine/train/pair-fit';
import { trainJobOptions, type TrainJobOptions } from '../../src-main/engine/jobs/train';
import type { Objective, RunEvent, StageResult, TrainOptions, TrainResult } from '../../src-main/engine/train/api';

export interface TestRecipe {
  /** `samplesPerStep` (default 1) is what its plan says a step takes: the window's samples/s is steps/s times it. */
  stages: Array<{ name: string; steps: number; samplesPerStep?: number }>;
  /** Time per step. */
  stepMs: number;
  /** The time per step its metrics report (elapsedMs = step × this) instead of the wall clock's: an exact pace. */
  reportedStepMs?: number;
  /**
   * At each of these steps, once its metrics are out, it waits until the file `until` exists (the test releases it)
   * or the run is asked to stop: a run held where a test can look at it without racing it.
   */
  holds?: Array<{ stage: string; step: number; until: string }>;
  /** Spend each step computing (never yielding to the event loop), as a real training step does, instead of sleeping. */
  busy?: boolean;
  objective?: Objective;
  /** At this step of the last stage the process exits with `exitCode` (default 3), reporting nothing. */
  exitAtStep?: number;
  exitCode?: number;
  /** At this step of the first stage `train` throws. */
  failAtStep?: number;
  /** Prints this to stderr at start (a crash's last words). */
  stderr?: string;
  /** Also writes a stage's checkpoint every this many steps. */
  checkpointEvery?: number;
  /** Pair ids its pair check finds unusable. */
  unusablePairs?: number[];
}

/** The host's jobs this module replaces: `train` and `pair-fit`, with the engine's own options checks. */
export const jobs: { train: JobKind<TrainJobOptions, RunEvent, TrainResult>; 'pair-fit': typeof pairFitJob } = {
  train: { cancel: 'step', options: trainJobOptions, run: (options, { control, progress }) => train({ ...options, control, onEvent: progress }) },
  'pair-fit': { ...pairFitJob, run: async (options) => checkPairs(options) },
};

/** The pair check of the double: every pair usable but those its recipe's `unusablePairs` names (as too long by 7). */
function checkPairs(options: PairFitOptions): PairFitReport {
  const recipe = JSON.parse(readFileSync(options.recipe, 'utf8')) as TestRecipe;
  const unusable = new Set(recipe.unusablePairs ?? []);
  return {
    model: { name: 'the test double', tokenizer: 'its own', maxLength: 64, imageTokenCount: 4, parameters: { encoder: 1, projector: 2, lm: 3 },
      memory: { weights: 24, gradients: 24, optimizerState: 48, activations: 100, total: 196, available: { bytes: 1024, source: 'its pretend 1 KiB' } },
    },
    checked: options.pairs.length,
    unfit: options.pairs.filter((p) => unusable.has(p.id)).map((p) => ({ id: p.id, reason: 'too-long', message: `pair ${p.id} is too long`, tokensOver: 7 })),
  };
}

async function train(options: TrainOptions): Promise<TrainResult> {
  const recipe = JSON.parse(readFileSync(options.recipe, 'utf8')) as TestRecipe;
  const objective = options.objective ?? recipe.objective ?? 'sft';
  const emit = (event: RunEvent): void => options.onEvent?.(event);
  const { control, onEvent: _onEvent, ...plain } = options;
  emit({ type: 'log', level: 'info', message: `options ${JSON.stringify(plain)}` });
  if (recipe.stderr) process.stderr.write(`${recipe.stderr}\n`);
  mkdirSync(options.runDir, { recursive: true });
  const stages: StageResult[] = [];
  const result = (cancelled: boolean): TrainResult => ({
    runDir: options.runDir,
    backend: options.backend ?? 'cpu',
    objective,
    stages,
    finalCheckpoint: stages.at(-1)?.checkpoint ?? '',
    cancelled,
  });
  for (const [index, stage] of recipe.stages.entries()) {
    // Stages are numbered from 1, as the engine numbers them.
    const plan = recipe.stages.map((s) => ({ stage: s.name, totalSteps: s.steps, samplesPerStep: s.samplesPerStep ?? 1 }));
    emit({ type: 'stage', stage: stage.name, index: index + 1, of: recipe.stages.length, totalSteps: stage.steps, plan });
    // Steps and time restart in each stage, as a per-stage loop would count them.
    const started = Date.now();
    const done = checkpointedStep(options.runDir, stage.name);
    if (done === stage.steps) {
      stages.push({ name: stage.name, steps: done, finalLoss: 2 / (1 + done), checkpoint: join(options.runDir, `checkpoint-${stage.name}`) });
      continue;
    }
    if (done > 0) emit({ type: 'log', level: 'info', message: `Resuming stage ${stage.name} at step ${done}.` });
    let loss = Number.NaN;
    for (let step = done + 1; step <= stage.steps; step++) {
      await control?.waitWhilePaused();
      if (control?.shouldStop()) {
        stages.push({ name: stage.name, steps: step - 1, finalLoss: loss, checkpoint: checkpoint(options.runDir, stage.name, step - 1, emit) });
        return result(true);
      }
      if (recipe.busy) {
        const until = Date.now() + recipe.stepMs;
        while (Date.now() < until);
      } else {
        await new Promise((resolve) => setTimeout(resolve, recipe.stepMs));
      }
      if (index === recipe.stages.length - 1 && step === recipe.exitAtStep) process.exit(recipe.exitCode ?? 3);
      if (index === 0 && step === recipe.failAtStep) throw new Error(`loss is NaN at step ${step}`);
      loss = 2 / (1 + step);
      const values: Record<string, number> = { loss, learning_rate: 1e-3 * (1 - step / stage.steps), grad_norm: 1 / step };
      if (objective === 'dpo') {
        values['rewards/chosen'] = 0.01 * step;
        values['rewards/rejected'] = -0.01 * step;
        values['rewards/margins'] = 0.02 * step;
        values['rewards/accuracies'] = Math.min(1, 0.5 + step / (2 * stage.steps));
      }
      const elapsedMs = recipe.reportedStepMs === undefined ? Date.now() - started : step * recipe.reportedStepMs;
      emit({ type: 'metrics', stage: stage.name, step, totalSteps: stage.steps, epoch: step / stage.steps, elapsedMs, values });
      await holdAt(recipe, stage.name, step, control);
      if (recipe.checkpointEvery && step % recipe.checkpointEvery === 0 && step < stage.steps) checkpoint(options.runDir, stage.name, step, emit);
    }
    stages.push({ name: stage.name, steps: stage.steps, finalLoss: loss, checkpoint: checkpoint(options.runDir, stage.name, stage.steps, emit) });
  }
  return result(false);
}

/** Waits at a step that the recipe's `holds` names until its file exists or the run is asked to stop. */
async function holdAt(recipe: TestRecipe, stage: string, step: number, control: TrainOptions['control']): Promise<void> {
  const until = recipe.holds?.find((h) => h.stage === stage && h.step === step)?.until;
  if (until === undefined) return;
  while (!existsSync(until) && !control?.shouldStop()) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** The step a stage's checkpoint in the run folder holds (0: none). */
function checkpointedStep(runDir: string, stage: string): number {
  const path = join(runDir, `checkpoint-${stage}`, 'state.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as { step: number }).step : 0;
}

function checkpoint(runDir: string, stage: string, step: number, emit: (e: RunEvent) => void): string {
  const path = join(runDir, `checkpoint-${stage}`);
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, 'state.json'), JSON.stringify({ stage, step }));
  emit({ type: 'checkpoint', stage, step, path });
  return path;
}
