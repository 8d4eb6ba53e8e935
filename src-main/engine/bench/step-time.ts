// Measures one optimisation step of a preset MLLM (forward + backward + AdamW; DPO = pairs in one forward) through
// train() itself, on a small Shapes world made for the purpose: median step time, samples/s and peak memory, and
// how far the step is from the backend's matmul ceiling (its matmul FLOPs at the best plain-matmul speed).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MLLM_PRESETS, type MllmPresetName } from '../models/mllm/presets';
import * as tf from '../backend/tf';
import { writeShapesWorld } from '../data/shapes';
import { train } from '../train';
import type { Objective, RunEvent } from '../train/api';
import { measureMatmulCeiling, type MatmulCeiling } from './matmul-ceiling';
import { profileMatmulFlops } from './matmul-flops';

export interface StepBenchOptions {
  preset: MllmPresetName;
  objective: Objective;
  backend?: string;
  /** CPU threads of the native backend; all cores when omitted. */
  threads?: number;
  /** Steps measured; the first (kernel warm-up, DPO's reference log-probs) is left out of the median. */
  steps: number;
  batchSize: number;
  /** Forward passes per step (the recipe's gradAccum). Default 1. */
  gradAccum?: number;
  /** Recompute each block in the backward (the recipe's activationCheckpointing). Default false. */
  activationCheckpointing?: boolean;
  /** Also count the step's matmul FLOPs and measure the plain-matmul ceiling (two short profiled runs). */
  ceiling?: boolean;
}

export interface CeilingComparison {
  /** Matmul FLOPs of one optimisation step (forward, backward; DPO's cached reference pass excluded). */
  stepMatmulFlops: number;
  matmul: MatmulCeiling;
  /** The time the step's matmul FLOPs take at the ceiling's speed. */
  ceilingMs: number;
  /** Median step time ÷ ceilingMs: 1 would be a step made only of the best plain matmul. */
  ratio: number;
}

export interface StepBenchResult extends Omit<StepBenchOptions, 'ceiling'> {
  backend: string;
  medianStepMs: number;
  stepMs: number[];
  /** Preference pairs (DPO) or examples (SFT) per second, every forward pass of a step counted. */
  samplesPerSecond: number;
  /** The training-memory estimate train() logged before the first step, for comparison with the peaks. */
  memoryEstimate: string;
  peakRssBytes: number;
  /**
   * The most bytes the native/cuda backend's tensors held at once (weights, gradients, AdamW state, activations):
   * the step's own memory, without the process or a checkpoint's copies in JavaScript. Absent on other backends.
   */
  peakTensorBytes?: number;
  ceiling?: CeilingComparison;
}

/** Trains `steps` steps of the preset from scratch in a fresh run folder under `root`. */
async function runSteps(root: string, world: string, options: StepBenchOptions, steps: number, onEvent?: (e: RunEvent) => void) {
  const name = `run-${steps}-${Math.random().toString(36).slice(2)}`;
  const recipe = join(root, `${name}.json`);
  const stage = {
    trainable: ['encoder', 'projector', 'lm'], lr: 1e-4, batchSize: options.batchSize, warmupRatio: 0, maxSteps: steps,
    gradAccum: options.gradAccum ?? 1, activationCheckpointing: options.activationCheckpointing ?? false,
  };
  writeFileSync(recipe, JSON.stringify({ objective: options.objective, model: { preset: options.preset }, data: { folder: world }, stages: [], branches: { [options.objective]: stage } }));
  return train({ recipe, runDir: join(root, name), ...(options.backend ? { backend: options.backend } : {}), ...(options.threads ? { threads: options.threads } : {}), ...(onEvent ? { onEvent } : {}) });
}

export async function measureStepTime(options: StepBenchOptions): Promise<StepBenchResult> {
  const root = mkdtempSync(join(tmpdir(), 'pivot-bench-'));
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  try {
    const world = join(root, 'world');
    await writeShapesWorld({ out: world, count: Math.max(40, options.batchSize * (options.gradAccum ?? 1) * 3), seed: 1, size: Math.max(32, MLLM_PRESETS[options.preset].encoder.image_size as number) });
    const stepMs: number[] = [];
    let last = 0;
    let memoryEstimate = '';
    const result = await runSteps(root, world, options, options.steps + 1, (e) => {
      if (e.type === 'log' && e.message.includes('memory estimate')) memoryEstimate = e.message;
      if (e.type !== 'metrics') return;
      stepMs.push(e.elapsedMs - last);
      last = e.elapsedMs;
    });
    const measured = stepMs.slice(1).sort((a, b) => a - b);
    const median = measured[Math.floor(measured.length / 2)] ?? Number.NaN;
    const bench: StepBenchResult = {
      preset: options.preset,
      objective: options.objective,
      steps: options.steps,
      batchSize: options.batchSize,
      gradAccum: options.gradAccum ?? 1,
      activationCheckpointing: options.activationCheckpointing ?? false,
      backend: result.backend,
      medianStepMs: median,
      stepMs: stepMs.slice(1),
      samplesPerSecond: (options.batchSize * (options.gradAccum ?? 1)) / (median / 1000),
      memoryEstimate,
      peakRssBytes: peakRss,
    };
    const tensorPeak = (tf.memory() as { peakBytesInNative?: number }).peakBytesInNative;
    if (tensorPeak !== undefined) bench.peakTensorBytes = tensorPeak;
    if (options.ceiling) bench.ceiling = await compareWithCeiling(root, world, options, median);
    return bench;
  } finally {
    clearInterval(sampler);
    rmSync(root, { recursive: true, force: true });
  }
}

/**
 * One step's matmul FLOPs = those of a 2-step run minus those of a 1-step run, so set-up work (initialisation,
 * DPO's reference log-probs, the final checkpoint) cancels out; then the ceiling measured right after.
 */
async function compareWithCeiling(root: string, world: string, options: StepBenchOptions, medianStepMs: number): Promise<CeilingComparison> {
  const one = await profileMatmulFlops(() => runSteps(root, world, options, 1));
  const two = await profileMatmulFlops(() => runSteps(root, world, options, 2));
  const stepMatmulFlops = two - one;
  const matmul = measureMatmulCeiling();
  const ceilingMs = (stepMatmulFlops / (matmul.gflops * 1e9)) * 1000;
  return { stepMatmulFlops, matmul, ceilingMs, ratio: medianStepMs / ceilingMs };
}
