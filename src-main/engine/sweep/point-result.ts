// One finished sweep point as `points/<name>.json`: its settings, the branch stage as trained, the encoder's
// measurements and how training ended. A re-run skips a point whose file exists (and was measured the same way).
import { join } from 'node:path';
import { PivotError } from '../../../src-shared/errors';
import { writeFileAtomic } from '../io/atomic-write';
import { readJsonFile } from '../run-folder/json-file';
import { readMetrics } from '../run-folder/metrics';
import type { Stage } from '../train';
import type { SweepPoint } from './grid';
import { pointFileSchema, type Measurements, type MeasuredWith, type TrainingOutcome } from './result-files';

export interface PointResult {
  point: SweepPoint;
  /** The branch stage as trained; a re-run whose recipe changed it is refused rather than mixed in. */
  stage: Stage;
  /** The derived recipe (`pivot train --recipe` takes it) and the final checkpoint, absolute. */
  recipeFile: string;
  checkpoint: string;
  metrics: Measurements;
  measuredWith: MeasuredWith;
  training: TrainingOutcome;
  durationsMs: { train: number; measure: number };
}

export function pointFile(out: string, name: string): string {
  return join(out, 'points', `${name}.json`);
}

/** JSON with non-finite numbers as null (JSON has no NaN). */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}

export async function writePointResult(out: string, result: PointResult): Promise<void> {
  await writeFileAtomic(pointFile(out, result.point.name), jsonText(result));
}

/** The point's earlier result, or null; one trained with other settings under the same name is an error. */
export function readPointResult(out: string, point: SweepPoint, stage: Stage): PointResult | null {
  const path = pointFile(out, point.name);
  const result = readJsonFile(path, pointFileSchema);
  if (result === null) return null;
  if (JSON.stringify(result.stage) !== JSON.stringify(stage)) {
    throw new PivotError(
      'INVALID_CONFIG',
      `${path} was measured with other settings of stage "${point.name}" than the recipe asks for now (batch size, warm-up, …); sweep into a new --out folder, or restore the recipe.`,
      { file: path, stage: point.name },
    );
  }
  return { ...result, point, stage };
}

/** Reads the stage's steps from the run's metrics.jsonl. */
export function trainingOutcome(runDir: string, stage: string): TrainingOutcome {
  const rows: { step: number; elapsedMs: number; values: Record<string, number> }[] = [];
  for (const e of readMetrics(runDir)) if (e.stage === stage) rows.push({ step: e.step, elapsedMs: e.elapsedMs, values: e.values });
  rows.sort((a, b) => a.step - b.step);
  const tail = rows.slice(-Math.max(1, Math.ceil(rows.length / 10)));
  const mean = (key: string) => tail.reduce((sum, r) => sum + (r.values[key] ?? Number.NaN), 0) / tail.length;
  const last = rows[rows.length - 1];
  return {
    steps: last?.step ?? 0,
    finalLoss: last?.values.loss ?? Number.NaN,
    tailSteps: tail.length,
    tailLoss: mean('loss'),
    ...(last && 'rewards/accuracies' in last.values ? { tailDpoAccuracy: mean('rewards/accuracies') } : {}),
    elapsedMs: last?.elapsedMs ?? Number.NaN,
  };
}
