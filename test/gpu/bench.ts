// The benches: one training step of a preset MLLM on the target through the engine's own bench code (train() on a
// Shapes world), with the device's peak memory as the addon counts it; and the PyTorch peer, bench/peers/
// mllm_step.py, the same model and step on the same device in the same run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { measureStepTime } from '../../src-main/engine/bench/step-time';
import type { MllmPresetName } from '../../src-main/engine/models/mllm/presets';
import { gib, TARGET, type CheckResult } from './compare';
import { deviceMemory, resetPeak } from './device';

export interface BenchArgs {
  preset: MllmPresetName;
  objective: 'sft' | 'dpo';
  batch: number;
  steps: number;
}

export const benchName = (a: BenchArgs): string => `${a.preset} ${a.objective.toUpperCase()} b${a.batch}`;

export async function benchStep(a: BenchArgs): Promise<CheckResult[]> {
  resetPeak();
  const r = await measureStepTime({ preset: a.preset, objective: a.objective, backend: TARGET, steps: a.steps, batchSize: a.batch });
  const m = deviceMemory();
  const numbers = `${r.medianStepMs.toFixed(1)} ms/step (median of ${r.stepMs.length}), ${r.samplesPerSecond.toFixed(1)} samples/s, ` +
    `peak ${gib(m.peakBytes)} held by tensors, ${gib(m.freeBytes)} free of ${gib(m.totalBytes)} after`;
  return [{ check: `bench ${benchName(a)} on ${TARGET}`, status: 'pass', numbers, details: { ...a, ...r, memory: m } }];
}

const PEER = 'bench/peers/mllm_step.py';

/** The PyTorch peer; its absence or failure is reported, never counted against the engine. */
export function peerStep(a: BenchArgs, timeoutMs: number): CheckResult[] {
  const check = `torch ${benchName(a)}`;
  if (!existsSync(PEER)) return [{ check, status: 'skip', numbers: `${PEER} is not in this tree` }];
  const device = TARGET === 'cuda' ? ['--device', 'cuda', '--tf32'] : ['--device', 'cpu', '--threads', String(availableParallelism())];
  const args = [PEER, '--config', a.preset, '--objective', a.objective, '--batch', String(a.batch), '--steps', String(a.steps), ...device, '--json'];
  const run = spawnSync('python3', args, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 1 << 24, env: { ...process.env, PYTHONUNBUFFERED: '1' } });
  process.stderr.write(run.stderr ?? '');
  const line = (run.stdout ?? '').trim().split('\n').reverse().find((l) => l.startsWith('{'));
  if (run.status !== 0 || line === undefined) {
    const why = run.error ? run.error.message : `exit ${run.status ?? run.signal}: ${(run.stderr ?? '').trim().split('\n').slice(-2).join(' ')}`;
    return [{ check, status: 'skip', numbers: `the peer failed (${why})`, details: { args } }];
  }
  const p = JSON.parse(line) as { median_step_ms: number; samples_per_s: number; peak_memory_bytes: number; peak_memory_kind: string; torch: string };
  const numbers = `${p.median_step_ms.toFixed(1)} ms/step, ${p.samples_per_s.toFixed(1)} samples/s, peak ${gib(p.peak_memory_bytes)} (${p.peak_memory_kind}), torch ${p.torch}`;
  return [{ check, status: 'pass', numbers, details: { ...a, peer: p } }];
}
