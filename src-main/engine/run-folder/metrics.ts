// `metrics.jsonl`: one line per optimisation step of every stage (the engine's `metrics` events as they are), from
// which charts and summaries are redrawn after the fact.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../io/atomic-write';
import { parseJsonText } from './json-file';

export const METRICS_FILE = 'metrics.jsonl';

const metricsLineSchema = z.object({
  type: z.literal('metrics'),
  stage: z.string(),
  step: z.number().int().min(0),
  totalSteps: z.number().int().min(0),
  /** Passes over the stage's data so far, fractional within an epoch. */
  epoch: z.number().min(0),
  elapsedMs: z.number(),
  values: z.record(z.string(), z.number()),
});

export type MetricsLine = z.output<typeof metricsLineSchema>;

export function appendMetrics(runDir: string, line: MetricsLine): void {
  appendFileSync(join(runDir, METRICS_FILE), `${JSON.stringify(line)}\n`);
}

/**
 * Every line, in file order (empty when there is no file). A last line that is not JSON is left out: the run was
 * stopped while appending it. Any other bad line is an INVALID_DATA error naming its line.
 */
export function readMetrics(runDir: string): MetricsLine[] {
  const path = join(runDir, METRICS_FILE);
  if (!existsSync(path)) return [];
  const lines = readFileSync(path, 'utf8').split('\n');
  let last = lines.length - 1;
  while (last >= 0 && (lines[last] as string).trim() === '') last--;
  const out: MetricsLine[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    if (index === last && !isJson(line)) return;
    out.push(parseJsonText(line, metricsLineSchema, `${path}:${index + 1}`));
  });
  return out;
}

/** Replaces the file with `lines` (a resume dropping the steps it is about to train again). */
export async function writeMetrics(runDir: string, lines: readonly MetricsLine[]): Promise<void> {
  await writeFileAtomic(join(runDir, METRICS_FILE), lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
