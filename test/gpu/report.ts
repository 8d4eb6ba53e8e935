// The final table of a device check: every step scripts/device-check.sh ran (or timed out, or had no time left
// for), its rows, each bench beside its PyTorch peer; and gpu-check.json with every detail.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckResult } from './compare';

/** One step as the shell recorded it: `name<TAB>exit code<TAB>seconds<TAB>result file`; exit −1 = not run. */
interface StepRecord {
  name: string;
  rc: number;
  seconds: number;
  file: string;
}

type Row = Omit<CheckResult, 'status'> & { status: CheckResult['status'] | 'timeout' };

function readSteps(stepsFile: string): StepRecord[] {
  if (!existsSync(stepsFile)) return [];
  return readFileSync(stepsFile, 'utf8').trim().split('\n').filter(Boolean).map((line) => {
    const [name = '', rc = '1', seconds = '0', file = ''] = line.split('\t');
    return { name, rc: Number(rc), seconds: Number(seconds), file };
  });
}

function rowsOf(step: StepRecord): Row[] {
  if (step.rc === -1) return [{ check: step.name, status: 'skip', numbers: step.file }];
  if (existsSync(step.file)) {
    try {
      return JSON.parse(readFileSync(step.file, 'utf8')) as Row[];
    } catch {
      // A result cut off mid-write: reported below like a missing one.
    }
  }
  const timedOut = step.rc === 124 || step.rc === 137;
  return [{ check: step.name, status: timedOut ? 'timeout' : 'fail', numbers: `${timedOut ? 'timed out' : `exit ${step.rc}, no result`} after ${step.seconds} s (see gpu-check.log)` }];
}

/** "x× torch" for a bench row with a peer row of the same preset, objective and batch. */
function besidePeer(row: Row, rows: Row[]): string {
  const ours = row.details as { medianStepMs?: number; preset?: string; objective?: string; batch?: number; memory?: { peakBytes: number } } | undefined;
  if (ours?.medianStepMs === undefined) return '';
  const peer = rows.find((r) => {
    const d = r.details as { peer?: unknown; preset?: string; objective?: string; batch?: number } | undefined;
    return d?.peer !== undefined && d.preset === ours.preset && d.objective === ours.objective && d.batch === ours.batch;
  });
  const p = (peer?.details as { peer: { median_step_ms: number; peak_memory_bytes: number } } | undefined)?.peer;
  if (!p) return '';
  const speed = p.median_step_ms / ours.medianStepMs;
  const memory = (ours.memory?.peakBytes ?? Number.NaN) / p.peak_memory_bytes;
  return ` → ${speed.toFixed(2)}× torch's samples/s, ${memory.toFixed(2)}× its peak memory`;
}

/** Prints the table (last) and writes gpu-check.json under `outDir`; the exit code: 0 when nothing failed. */
export function report(stepsFile: string, outDir: string | undefined, context: Record<string, unknown>): number {
  const steps = readSteps(stepsFile);
  const rows = steps.flatMap(rowsOf);
  const table = rows.map((r) => ({ ...r, numbers: r.numbers + besidePeer(r, rows) }));
  if (outDir) writeFileSync(join(outDir, 'gpu-check.json'), `${JSON.stringify({ ...context, steps, rows }, null, 1)}\n`);
  const width = Math.max(5, ...table.map((r) => r.check.length));
  const lines = [
    `${'check'.padEnd(width)}  result   numbers`,
    ...table.map((r) => `${r.check.padEnd(width)}  ${r.status.toUpperCase().padEnd(7)}  ${r.numbers}`),
  ];
  const failed = table.filter((r) => r.status === 'fail' || r.status === 'timeout').length;
  lines.push(failed ? `${failed} of ${table.length} rows FAILED or timed out.` : `All ${table.length} rows passed or were skipped (skips say why).`);
  process.stdout.write(`\n${lines.join('\n')}\n`);
  if (outDir) writeFileSync(join(outDir, 'table.txt'), `${lines.join('\n')}\n`);
  return failed || rows.length === 0 ? 1 : 0;
}
