// `pivot doctor`: what this machine offers PIVOT Studio — the engine's backends (each available or not, and why, and
// which one a run gets), Node, CPUs, memory, and whether the window is built.
import { existsSync } from 'node:fs';
import { availableParallelism, cpus, freemem, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { BackendReport } from '../../src-shared/domain/runs';
import { PivotError } from '../../src-shared/errors';
import { RENDERER_DIR } from './serve';

export interface DoctorReport {
  node: { version: string; platform: string; arch: string };
  cpus: { count: number; model: string };
  memory: { totalBytes: number; freeBytes: number };
  backends: BackendReport['backends'];
  picked: BackendReport['picked'];
  /** The native backend's CPU threads by default (all cores); null when it is unavailable. */
  threads: number | null;
  /** Set when the engine host could not even report its backends. */
  backendError?: string;
  window: { built: boolean; path: string };
}

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('Show the engine backends (available or not, and why; which one is picked), Node, CPUs, memory and whether the window is built.')
    .option('--json', 'print one JSON object')
    .action(async (o: { json?: boolean }) => {
      const report = await doctor();
      process.stdout.write(o.json ? `${JSON.stringify(report)}\n` : describe(report));
    });
}

export async function doctor(): Promise<DoctorReport> {
  const [{ forkEngineHost }, { probeBackends }] = await Promise.all([import('../engine-jobs/fork'), import('../runs/backends')]);
  let backends: BackendReport = { backends: [], picked: null };
  let backendError: string | undefined;
  try {
    // Probed in an engine host, as a run would see them (and a broken native addon cannot take the CLI down).
    backends = await probeBackends(() => forkEngineHost());
  } catch (err) {
    backendError = PivotError.toData(err).message;
  }
  return {
    node: { version: process.version, platform: process.platform, arch: process.arch },
    cpus: { count: availableParallelism(), model: cpus()[0]?.model.trim() ?? 'unknown' },
    memory: { totalBytes: totalmem(), freeBytes: freemem() },
    backends: backends.backends,
    picked: backends.picked,
    threads: backends.backends.find((b) => b.name === 'native' && b.available)?.threads ?? null,
    ...(backendError ? { backendError } : {}),
    window: { built: existsSync(join(RENDERER_DIR, 'index.html')), path: RENDERER_DIR },
  };
}

function describe(r: DoctorReport): string {
  const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  const width = Math.max(...r.backends.map((b) => b.name.length), 4);
  const lines = [
    `Node      ${r.node.version} (${r.node.platform} ${r.node.arch})`,
    `CPUs      ${r.cpus.count} × ${r.cpus.model}`,
    `Memory    ${gib(r.memory.totalBytes)} total, ${gib(r.memory.freeBytes)} free`,
    `Window    ${r.window.built ? `built (${r.window.path})` : `not built: run npm run build (looked in ${r.window.path})`}`,
    'Backends',
    ...r.backends.map((b) => `  ${b.available ? 'yes' : 'no '} ${b.name.padEnd(width)}  ${b.reason}`),
    ...(r.backendError ? [`  the engine host could not list them: ${r.backendError}`] : []),
    `Picked    ${r.picked ? `${r.picked.name}: ${r.picked.reason}` : 'none: no backend is available'}`,
    `Threads   ${r.threads === null ? 'none: the native backend is unavailable' : `${r.threads} for the native backend (all cores by default; --threads N on the commands that run the engine)`}`,
  ];
  return `${lines.join('\n')}\n`;
}
