// `pivot bench`: a measured step of the toy preset as one JSON object; the base size refused up front with its numbers.
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
  });

  it('refuses the base size before any work, saying how much memory it needs', async () => {
    const { code, stderr } = await startPivot(['bench', '--config', 'base']).done;
    expect(code).toBe(1);
    expect(stderr).toMatch(/The base size \(CLIP ViT-B\/16 at 224 px \+ a Qwen2\.5-0\.5B-shaped LM, 58\d M parameters\) needs 8\.\d GiB/);
    expect(stderr).toContain('the wasm backend stops near 4 GiB');
  });
});
