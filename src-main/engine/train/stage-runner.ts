// One stage of a run: AdamW over exactly the stage's trainable parts, cosine LR with warm-up, gradient
// accumulation and clipping, DPO's cached reference, a labels stage's head, checkpoints, pause and stop between steps.
import { join } from 'node:path';
import * as tf from '../backend/tf';
import { collate, LABEL_CLASS_COUNT, planSteps, stepMicroBatches, type StageItem, type StepPlan } from '../data/batches';
import type { ImageCache } from '../data/batches/images';
import type { TensorSource } from '../io/safetensors';
import { loadMllm } from '../models/mllm/checkpoint';
import type { Mllm } from '../models/mllm/model';
import { AdamW } from './adamw';
import type { RunControl } from './api';
import { saveTrainingCheckpoint } from './checkpoints';
import { writeRunState, type RunState } from './run-folder/state';
import type { TrainerState } from './run-folder/trainer-state';
import { clipByGlobalNorm } from './grad-clip';
import { LABEL_HEAD_FILE, LabelHead } from './label-head';
import { dpoLossOf, dpoMetrics, labelLossOf, sftLossOf, type PairLogps } from './objective-steps';
import type { Stage } from './recipe';
import { computeReferenceLogps, itemsContentHash, readReferenceCache, writeReferenceCache, type ReferenceLogps } from './reference-logps';
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

export async function runStage(input: StageRunInput): Promise<StageRunResult> {
  const { stage, model, items, images, seed, runDir, state, log, control } = input;
  const plan = stagePlan(stage, items.length);
  // `elapsedMs` counts from the start of the stage in this process, as steps count within the stage.
  const startedAt = Date.now();
  const head = stage.kind === 'labels' ? labelHeadFor(input) : null;
  // The head learns at the stage's lr, the encoder at its encoderLr.
  const headGroup = head ? [{ name: 'label_head', lr: stage.lr, variables: head.namedVariables }] : [];
  const optimizer = new AdamW(
    [...stage.trainable.map((part) => ({ name: part, lr: part === 'encoder' ? stage.encoderLr : stage.lr, variables: model.namedVariables(part) })), ...headGroup],
    { weightDecay: stage.weightDecay },
  );
  try {
    if (input.resume) optimizer.loadState(input.resume.optimizer, input.resume.trainer.optimizerSteps);
    const reference = stage.kind === 'dpo' ? await referenceFor(input, plan) : null;
    let step = input.resume?.trainer.step ?? 0;
    let saved = step;
    let finalLoss = input.resume?.trainer.finalLoss ?? Number.NaN;
    let checkpoint = input.resume ? state.stages[stage.name]?.checkpoint ?? null : input.startCheckpoint;

    const save = async (): Promise<void> => {
      const trainer = {
        stage: stage.name, kind: stage.kind, step, totalSteps: plan.totalSteps, finalLoss,
        shuffle: { seed, epoch: Math.floor(step / plan.stepsPerEpoch), stepInEpoch: step % plan.stepsPerEpoch },
      };
      checkpoint = await saveTrainingCheckpoint(runDir, model, optimizer, trainer, head ? { [LABEL_HEAD_FILE]: await head.tensors() } : {});
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
      const pairs: PairLogps[] = [];
      const { loss, gradNorm } = optimisationStep(model, optimizer, stage, items, microBatches, images, factor, { reference, head }, pairs, step);
      step += 1;
      finalLoss = loss;
      const values: Record<string, number> = { loss, learning_rate: stage.lr * factor, grad_norm: gradNorm };
      if (stage.trainable.includes('encoder') && stage.encoderLr !== stage.lr) values.encoder_learning_rate = stage.encoderLr * factor;
      if (stage.kind === 'dpo') Object.assign(values, dpoMetrics(pairs, stage.beta));
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
    head?.dispose();
  }
}

/** A labels stage's head: the one its own checkpoint saved when resuming, else a fresh one seeded by the stage. */
function labelHeadFor(input: StageRunInput): LabelHead {
  const width = input.model.encoder.config.hidden_size;
  const own = input.resume ? input.state.stages[input.stage.name]?.checkpoint : undefined;
  return own ? LabelHead.load(join(input.runDir, own), width, LABEL_CLASS_COUNT) : LabelHead.create(width, LABEL_CLASS_COUNT, input.seed);
}

/**
 * One optimisation step: gradients of each micro-batch weighted by its share of the step's items and summed,
 * clipped by global norm, then one AdamW update. Every intermediate tensor is freed before it returns.
 */
function optimisationStep(
  model: Mllm, optimizer: AdamW, stage: Stage, items: readonly StageItem[], microBatches: number[][], images: ImageCache,
  factor: number, objective: { reference: ReferenceLogps | null; head: LabelHead | null }, pairs: PairLogps[], step: number,
): { loss: number; gradNorm: number } {
  const { reference, head } = objective;
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
      const lossFn = (): tf.Scalar => {
        if (head) return labelLossOf(model, head, batch.pixels as tf.Tensor4D, batchItems.map((item) => item.labels ?? []));
        if (!reference) return sftLossOf(model, batch);
        const refs = { chosen: pick(reference.chosen, indices), rejected: pick(reference.rejected, indices) };
        return dpoLossOf(model, batch, refs, stage.beta, (p) => pairs.push(p));
      };
      try {
        const { value, grads } = tf.variableGrads(lossFn, variables);
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
      throw new Error(
        `Stage "${stage.name}", step ${step + 1}: the loss is ${loss}. Training stopped before this update; the last checkpoint is ` +
          'intact. Lower the learning rate (or set clipNorm) and start the run again to resume from it.',
      );
    }
    const norm = clipByGlobalNorm(sums, stage.clipNorm ?? undefined);
    if (!Number.isFinite(norm)) {
      throw new Error(
        `Stage "${stage.name}", step ${step + 1}: the gradient norm is ${norm} (loss ${loss}). Training stopped before this ` +
          'update; the last checkpoint is intact. Lower the learning rate and start the run again to resume from it.',
      );
    }
    optimizer.apply(sums, factor);
    return { loss, gradNorm: norm };
  } finally {
    tf.dispose([...sums.values()]);
  }
}

function pick(values: Float32Array, indices: readonly number[]): Float32Array {
  return Float32Array.from(indices, (i) => values[i] as number);
}

/** The stage's reference log-probs: from the cache, or computed from the stage's starting weights and cached. */
async function referenceFor(input: StageRunInput, plan: StepPlan): Promise<ReferenceLogps> {
  const { runDir, stage, items, images, seed, log } = input;
  const key = { stage: stage.name, startCheckpoint: input.startCheckpoint ?? 'initialisation', keys: items.map((item) => item.key), content: itemsContentHash(items) };
  const cached = readReferenceCache(runDir, key);
  if (cached) {
    log.info(`Stage ${stage.name}: reference log-probs of ${items.length} pairs read from the cache.`);
    return cached;
  }
  let model = input.model;
  if (input.resume) {
    // The policy has moved since the stage began; the reference is the model the stage started from.
    if (input.startCheckpoint === null) {
      throw new Error(`Stage "${stage.name}": ref_logps.json is missing and the stage started from a fresh model that no checkpoint holds; start the run in a new folder.`);
    }
    model = await loadMllm(join(runDir, input.startCheckpoint));
  }
  try {
    const logps = computeReferenceLogps(model, items, plan, seed, images);
    await writeReferenceCache(runDir, key, logps);
    log.info(`Stage ${stage.name}: reference log-probs of ${items.length} pairs computed once and cached.`);
    return logps;
  } finally {
    if (model !== input.model) model.dispose();
  }
}
