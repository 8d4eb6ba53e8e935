// `pivot doctor`: the backends (each available or not and why, the pick explained), the native backend's threads,
// Node, CPUs, memory and whether the window is built; --json gives one object. cuda is asserted as this machine's
// addon finds it, so the tests hold on the CUDA test machine as well as on one without a GPU.
import { describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../../src-main/cli/doctor';
import { cudaHere } from '../engine/backend/cuda-here';
import { startPivot } from './run-pivot';

describe('pivot doctor --json', () => {
  it('prints one object: cuda as this machine has it with a reason, the picked backend and why, the machine', async () => {
    const { code, stdout } = await startPivot(['doctor', '--json']).done;
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const report = JSON.parse(stdout) as DoctorReport;
    expect(report.node).toEqual({ version: process.version, platform: process.platform, arch: process.arch });
    expect(report.cpus.count).toBeGreaterThan(0);
    expect(report.memory.totalBytes).toBeGreaterThan(report.memory.freeBytes);
    expect(typeof report.window.built).toBe('boolean');
    expect(report.window.path).toMatch(/out[\\/]renderer$/);
    expect(report.backends.map((b) => b.name)).toEqual(['cuda', 'native', 'tensorflow', 'wasm', 'cpu']);
    for (const b of report.backends) expect(b.reason.length).toBeGreaterThan(10);
    expect(report.backends[0]).toEqual(cudaHere());
    expect(report.backends[1]).toMatchObject({ name: 'native', available: true, threads: report.threads });
    expect(report.threads).toBeGreaterThan(0);
    expect(report.backends[4]).toMatchObject({ name: 'cpu', available: true });
    const best = report.backends.find((b) => b.available)!;
    expect(best.name).toBe(cudaHere().available ? 'cuda' : 'native');
    expect(report.picked?.name).toBe(best.name);
    expect(report.picked?.reason).toContain('best available');
    expect(report.backendError).toBeUndefined();
  });

  it('prints the native and cuda backends with their reasons, and the threads', async () => {
    const { code, stdout } = await startPivot(['doctor']).done;
    expect(code).toBe(0);
    const cuda = cudaHere();
    expect(stdout).toContain(`\n  ${cuda.available ? 'yes' : 'no '} cuda        ${cuda.reason}\n`);
    expect(stdout).toMatch(/^ {2}yes native {6}native addon on the CPU, \d+ threads?, /m);
    expect(stdout).toMatch(/^Threads {3}\d+ for the native backend \(all cores by default; --threads N on the commands that run the engine\)$/m);
  });
});
