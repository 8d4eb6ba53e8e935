// `pivot doctor --json`: one JSON object with the backends (each available or not and why, the pick explained),
// Node, CPUs, memory and whether the window is built.
import { describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../../src-main/cli/doctor';
import { startPivot } from './run-pivot';

describe('pivot doctor --json', () => {
  it('prints one object: cuda unavailable with a reason, the picked backend and why, the machine', async () => {
    const { code, stdout } = await startPivot(['doctor', '--json']).done;
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const report = JSON.parse(stdout) as DoctorReport;
    expect(report.node).toEqual({ version: process.version, platform: process.platform, arch: process.arch });
    expect(report.cpus.count).toBeGreaterThan(0);
    expect(report.memory.totalBytes).toBeGreaterThan(report.memory.freeBytes);
    expect(typeof report.window.built).toBe('boolean');
    expect(report.window.path).toMatch(/out[\\/]renderer$/);
    expect(report.backends.map((b) => b.name)).toEqual(['cuda', 'tensorflow', 'wasm', 'cpu']);
    for (const b of report.backends) expect(b.reason.length).toBeGreaterThan(10);
    expect(report.backends[0]).toMatchObject({ name: 'cuda', available: false });
    expect(report.backends[3]).toMatchObject({ name: 'cpu', available: true });
    const best = report.backends.find((b) => b.available)!;
    expect(report.picked?.name).toBe(best.name);
    expect(report.picked?.reason).toContain('best available');
    expect(report.backendError).toBeUndefined();
  });
});
