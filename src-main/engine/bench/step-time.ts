// Measures one optimisation step of a preset MLLM (forward + backward + AdamW; DPO = pairs in one forward) through
// train() itself, on a small Shapes world made for the purpose: median step time, samples/s and peak memory.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MllmPresetName } from '../models/mllm/presets';
import { writeShapesWorld } from '../data/shapes';
import { train } from '../train';
import type { Objective } from '../train/api';

export interface StepBenchOptions {
  preset: MllmPresetName;
  objective: Objective;
  backend?: string;
  /** Steps measured; the first (kernel warm-up, DPO's reference log-probs) is left out of the median. */
  steps: number;
  batchSize: number;
}

export interface StepBenchResult extends StepBenchOptions {
  backend: string;
  medianStepMs: number;
  stepMs: number[];
  /** Preference pairs (DPO) or examples (SFT) per second. */
  samplesPerSecond: number;
  peakRssBytes: number;
}

export async function measureStepTime(options: StepBenchOptions): Promise<StepBenchResult> {
  const root = mkdtempSync(join(tmpdir(), 'pivot-bench-'));
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  try {
    const world = join(root, 'world');
    await writeShapesWorld({ out: world, count: Math.max(40, options.batchSize * 3), seed: 1, size: options.preset === 'toy' ? 32 : 64 });
    const recipe = join(root, 'recipe.json');
    const stage = { trainable: ['encoder', 'projector', 'lm'], lr: 1e-4, batchSize: options.batchSize, warmupRatio: 0, maxSteps: options.steps + 1 };
    writeFileSync(recipe, JSON.stringify({ objective: options.objective, model: { preset: options.preset }, data: { folder: world }, stages: [], branches: { [options.objective]: stage } }));
    const stepMs: number[] = [];
    let last = 0;
    const result = await train({
      recipe,
      runDir: join(root, 'run'),
      ...(options.backend ? { backend: options.backend } : {}),
      onEvent: (e) => {
        if (e.type !== 'metrics') return;
        stepMs.push(e.elapsedMs - last);
        last = e.elapsedMs;
      },
    });
    const measured = stepMs.slice(1).sort((a, b) => a - b);
    const median = measured[Math.floor(measured.length / 2)] ?? Number.NaN;
    return {
      ...options,
      backend: result.backend,
      medianStepMs: median,
      stepMs: stepMs.slice(1),
      samplesPerSecond: options.batchSize / (median / 1000),
      peakRssBytes: peakRss,
    };
  } finally {
    clearInterval(sampler);
    rmSync(root, { recursive: true, force: true });
  }
}
