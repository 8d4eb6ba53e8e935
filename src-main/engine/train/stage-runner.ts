// One stage of a run: AdamW over exactly the stage's trainable parts (and its objective's own weights), cosine LR
// with warm-up, gradient accumulation and clipping, the stage kind's objective, checkpoints, pause and stop between
// steps.
import { join } from 'node:path';
import { PivotError } from '../../../src-shared/errors';
import { PIVOT_ATTENTION } from '../backend/native/fused/attention';
import { backendHasKernel } from '../backend/native/fused/available';
import * as tf from '../backend/tf';
import { collate, planSteps, stepMicroBatches, type StageItem, type StepPlan } from '../data/batches';
import type { ImageCache } from '../data/batches/images';
import type { TensorSource } from '../io/safetensors';
import {
  availableMemoryFor, checkTrainingFits, describeMemoryEstimate, estimateTrainingMemory, gib, memoryEstimateOf, memorySpecOfModel,
} from '../models/memory-estimate';
import type { Mllm } from '../models/mllm/model';
import { withActivationCheckpointing } from '../nn/checkpoint';
import { objectiveOf, type PreparedObjective } from '../objectives';
import { AdamW } from './adamw';
import type { RunControl } from './api';
import { saveTrainingCheckpoint } from './checkpoints';
import { writeRunState, type RunState } from '../run-folder/state';
import type { TrainerState } from '../run-folder/trainer-state';
import { clipByGlobalNorm } from './grad-clip';
import { partLr, type Stage } from './recipe';
import type { RunLog } from './run-log';
import { cosineWithWarmup } from './schedule';

export interface StageRunInput {
  runDir: string;
  stage: Stage;
  model: Mllm;
  items: readonly StageItem[];
  images: ImageCache;
  /** Seeds this stage's shuffling. */
  seed: number;
  /** The checkpoint the stage started from (relative to runDir), or null for a freshly initialised model. */
  startCheckpoint: string | null;
  /** Present when continuing the stage from one of its own checkpoints. */
  resume: { trainer: TrainerState; optimizer: TensorSource } | null;
  state: RunState;
  log: RunLog;
  control?: RunControl;
  /** Probe-as-you-train (a branch's `probeEvery`): its numbers join the step's metrics. */
  probe?: { measure(model: Mllm): Promise<Record<string, number>> };
}

export interface StageRunResult {
  status: 'done' | 'cancelled';
  steps: number;
  finalLoss: number;
  /** Latest checkpoint of the stage (relative), or the one it started from if it saved none. */
  checkpoint: string | null;
}

/** The step plan of a stage over `items` items. */
export function stagePlan(stage: Stage, items: number): StepPlan {
  return planSteps(items, stage.batchSize, stage.gradAccum, stage.epochs, stage.maxSteps);
}

/**
 * Refuses, before any step, a stage whose training would not fit in the backend's memory, and logs its estimate.
 * The estimate takes the stage's largest forward pass: batchSize items (each with its sequences: two for DPO) at the
 * length of its longest sequence, image expanded.
 */
export function checkStageFits(stage: Stage, model: Mllm, items: readonly StageItem[], log: RunLog): void {
  const sequences = items.flatMap((item) => item.sequences);
  const sequenceLength = Math.max(0, ...sequences.map((s) => s.inputIds.length + (s.imagePosition >= 0 ? model.imageTokenCount - 1 : 0)));
  const estimate = estimateTrainingMemory(memoryEstimateOf(memorySpecOfModel(model), {
    trainable: stage.trainable,
    batchRows: Math.min(stage.batchSize, items.length) * Math.max(1, items[0]?.sequences.length ?? 0),
    sequenceLength,
    activationCheckpointing: stage.activationCheckpointing ?? false,
    gradAccum: stage.gradAccum,
    fusedKernels: backendHasKernel(PIVOT_ATTENTION),
  }));
  const available = availableMemoryFor(tf.getBackend(), (tf.memory() as { totalBytes?: number }).totalBytes);
  log.info(`Stage ${stage.name}: training memory estimate ${describeMemoryEstimate(estimate)}, of ${gib(available.bytes)} available.`);
  checkTrainingFits(estimate, available, `Stage "${stage.name}"`);
}

export async function runStage(input: StageRunInput): Promise<StageRunResult> {
  const { stage, model, items, images, seed, runDir, state, log, control } = input;
  const plan = stagePlan(stage, items.length);
  // `elapsedMs` counts from the start of the stage in this process, as steps count within the stage.
  const startedAt = Date.now();
  const objective = await objectiveOf(stage.kind).prepare({
    runDir, stage, model, items, images, plan, seed, startCheckpoint: input.startCheckpoint,
    resumeCheckpoint: input.resume ? (state.stages[stage.name]?.checkpoint ?? null) : null,
    info: (message) => log.info(message),
  });
  const optimizer = new AdamW(
    [...stage.trainable.map((part) => ({ name: part, lr: partLr(stage, part), variables: model.namedVariables(part) })), ...objective.groups],
    { weightDecay: stage.weightDecay },
  );
  try {
    if (input.resume) optimizer.loadState(input.resume.optimizer, input.resume.trainer.optimizerSteps);
    let step = input.resume?.trainer.step ?? 0;
    let saved = step;
    let finalLoss = input.resume?.trainer.finalLoss ?? Number.NaN;
    let checkpoint = input.resume ? state.stages[stage.name]?.checkpoint ?? null : input.startCheckpoint;

    const save = async (): Promise<void> => {
      const trainer = {
        stage: stage.name, kind: stage.kind, step, totalSteps: plan.totalSteps, finalLoss,
        shuffle: { seed, epoch: Math.floor(step / plan.stepsPerEpoch), stepInEpoch: step % plan.stepsPerEpoch },
      };
      checkpoint = await saveTrainingCheckpoint(runDir, model, optimizer, trainer, await objective.checkpointFiles());
      saved = step;
      state.stages[stage.name] = { status: step >= plan.totalSteps ? 'done' : 'running', checkpoint, step, totalSteps: plan.totalSteps, finalLoss };
      await writeRunState(runDir, state);
      log.emit({ type: 'checkpoint', stage: stage.name, step, path: join(runDir, checkpoint) });
    };

    while (step < plan.totalSteps) {
      if (control) {
        await control.waitWhilePaused();
        if (control.shouldStop()) {
          if (step > saved) await save();
          return { status: 'cancelled', steps: step, finalLoss, checkpoint };
        }
      }
      const factor = cosineWithWarmup(step, plan.totalSteps, stage.warmupRatio);
      const { microBatches } = stepMicroBatches(plan, seed, step);
      const { loss, gradNorm } = optimisationStep(optimizer, stage, items, microBatches, images, factor, objective, step);
      step += 1;
      finalLoss = loss;
      const values: Record<string, number> = { loss, learning_rate: stage.lr * factor, grad_norm: gradNorm };
      for (const part of stage.trainable) if (partLr(stage, part) !== stage.lr) values[`${part}_learning_rate`] = partLr(stage, part) * factor;
      Object.assign(values, objective.stepMetrics());
      if (input.probe && stage.probeEvery && step % stage.probeEvery === 0) Object.assign(values, await input.probe.measure(model));
      log.emit({
        type: 'metrics', stage: stage.name, step, totalSteps: plan.totalSteps,
        // Fractional, as transformers logs it: 1.5 is half-way through the second pass.
        epoch: step / plan.stepsPerEpoch,
        elapsedMs: Date.now() - startedAt, values,
      });
      if (step === plan.totalSteps || (stage.checkpointEvery > 0 && step % stage.checkpointEvery === 0)) await save();
    }
    return { status: 'done', steps: step, finalLoss, checkpoint };
  } finally {
    optimizer.dispose();
    objective.dispose();
  }
}

/**
 * One optimisation step: gradients of each micro-batch weighted by its share of the step's items and summed,
 * clipped by global norm, then one AdamW update. Every intermediate tensor is freed before it returns.
 */
function optimisationStep(
  optimizer: AdamW, stage: Stage, items: readonly StageItem[], microBatches: number[][], images: ImageCache,
  factor: number, objective: PreparedObjective, step: number,
): { loss: number; gradNorm: number } {
  const total = microBatches.reduce((n, mb) => n + mb.length, 0);
  const variables = optimizer.variables;
  const names = optimizer.names;
  const sums = new Map<string, tf.Tensor>();
  let loss = 0;
  try {
    for (const indices of microBatches) {
      const batchItems = indices.map((i) => items[i] as StageItem);
      const batch = collate(batchItems, images);
      const weight = indices.length / total;
      const lossFn = (): tf.Scalar => objective.loss(batch, batchItems, indices);
      try {
        const { value, grads } = withActivationCheckpointing(stage.activationCheckpointing ?? false, () => tf.variableGrads(lossFn, variables));
        loss += (value.dataSync()[0] as number) * weight;
        value.dispose();
        for (const [stable, tfName] of names) {
          const grad = grads[tfName];
          if (!grad) continue;
          const scaled = weight === 1 ? grad : tf.tidy(() => tf.mul(grad, weight));
          if (scaled !== grad) grad.dispose();
          const previous = sums.get(stable);
          sums.set(stable, previous ? tf.tidy(() => tf.add(previous, scaled)) : scaled);
          if (previous) tf.dispose([previous, scaled]);
        }
      } finally {
        batch.pixels?.dispose();
      }
    }
    if (!Number.isFinite(loss)) {
      throw new PivotError(
        'TRAINING_DIVERGED',
        `Stage "${stage.name}", step ${step + 1}: the loss is ${loss}. Training stopped before this update; the last checkpoint is ` +
          'intact. Lower the learning rate (or set clipNorm) and start the run again to resume from it.',
        { stage: stage.name, step: step + 1, loss },
      );
    }
    const norm = clipByGlobalNorm(sums, stage.clipNorm ?? undefined);
    if (!Number.isFinite(norm)) {
      throw new PivotError(
        'TRAINING_DIVERGED',
        `Stage "${stage.name}", step ${step + 1}: the gradient norm is ${norm} (loss ${loss}). Training stopped before this ` +
          'update; the last checkpoint is intact. Lower the learning rate and start the run again to resume from it.',
        { stage: stage.name, step: step + 1, loss, gradNorm: norm },
      );
    }
    optimizer.apply(sums, factor);
    return { loss, gradNorm: norm };
  } finally {
    tf.dispose([...sums.values()]);
  }
}
