// `pivot bench`: a measured step of the toy preset as one JSON object (with gradient accumulation and activation
// checkpointing when asked); the base size refused up front on wasm with its numbers.
import { describe, expect, it } from 'vitest';
import type { StepBenchResult } from '../../../src-main/engine/bench/step-time';
import { startPivot } from './run-pivot';

describe('pivot bench', () => {
  it('measures toy DPO steps on wasm and prints one JSON object', async () => {
    const { code, stdout } = await startPivot(['bench', '--config', 'toy', '--objective', 'dpo', '--backend', 'wasm', '--steps', '2', '--batch', '4', '--json']).done;
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as StepBenchResult;
    expect(result).toMatchObject({ preset: 'toy', objective: 'dpo', backend: 'wasm', batchSize: 4, steps: 2 });
    expect(result.stepMs).toHaveLength(2);
    expect(result.medianStepMs).toBeGreaterThan(0);
    expect(result.samplesPerSecond).toBeCloseTo(4 / (result.medianStepMs / 1000), 6);
    expect(result.peakRssBytes).toBeGreaterThan(50 * 2 ** 20);
    // The ceiling: the step's matmul FLOPs at the best plain matmul's speed, and the step's distance from it.
    const c = result.ceiling!;
    expect(c.stepMatmulFlops).toBeGreaterThan(1e7);
    expect(c.matmul.perSize.map((s) => s.size)).toEqual([[512, 256, 256], [1024, 256, 1024], [1024, 1024, 1024]]);
    expect(c.matmul.gflops).toBe(Math.max(...c.matmul.perSize.map((s) => s.gflops)));
    expect(c.ceilingMs).toBeCloseTo((c.stepMatmulFlops / (c.matmul.gflops * 1e9)) * 1000, 9);
    expect(c.ratio).toBeCloseTo(result.medianStepMs / c.ceilingMs, 9);
  });

  // One command for the three flags: each bench is a fresh CLI and engine start, the costly part of this file.
  it('runs each step as --grad-accum forward passes with --activation-checkpointing, reports the logged estimate, and skips the ceiling with --no-ceiling', async () => {
    const { code, stdout } = await startPivot([
      'bench', '--config', 'toy', '--backend', 'cpu', '--steps', '1', '--batch', '2', '--grad-accum', '2', '--activation-checkpointing', '--no-ceiling', '--json',
    ]).done;
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as StepBenchResult;
    expect(result).toMatchObject({ preset: 'toy', batchSize: 2, gradAccum: 2, activationCheckpointing: true });
    expect(result.ceiling).toBeUndefined();
    expect(result.samplesPerSecond).toBeCloseTo(4 / (result.medianStepMs / 1000), 6);
    expect(result.memoryEstimate).toMatch(/^Stage sft: training memory estimate weights 0\.7 MiB \+ gradients 1\.4 MiB \+ AdamW state 1\.4 MiB \+ activations \d\.\d MiB = \d\.\d MiB, of [\d.]+ GiB available\.$/);
  });

  it('refuses the base size on wasm before any work, saying how much memory it needs', async () => {
    const { code, stderr } = await startPivot(['bench', '--config', 'base', '--backend', 'wasm']).done;
    expect(code).toBe(64);
    expect(stderr).toMatch(/The base size \(a ViT-B\/16 tower at 224 px \+ a Qwen2\.5-0\.5B-shaped LM, 58\d M parameters\) needs 8\.\d GiB/);
    expect(stderr).toContain('the wasm backend stops near 4 GiB');
  });
});
