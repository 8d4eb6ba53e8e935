// The training curves of a run, summarised from `metrics.jsonl`: per stage its steps, first / last / lowest loss,
// the last values of every metric (DPO's rewards among them), a curve of at most `points` (step, loss) points, and
// each probe-as-you-train metric (TRAINING_PROBE_METRICS, logged every `probeEvery` steps) in full.
import { join } from 'node:path';
import { TRAINING_PROBE_METRICS } from '../../../src-shared/domain/runs';
import type { StageCurve, TrainingSummary } from '../../../src-shared/domain/study-report';
import { METRICS_FILE, readMetrics } from '../run-folder/metrics';

const PROBE_METRICS: ReadonlySet<string> = new Set(Object.values(TRAINING_PROBE_METRICS));

/** Reads `runDir/metrics.jsonl` (stage order of first appearance). */
export function summariseMetrics(runDir: string, points = 200): TrainingSummary {
  const byStage = new Map<string, { step: number; values: Record<string, number> }[]>();
  for (const e of readMetrics(runDir)) {
    const list = byStage.get(e.stage) ?? [];
    list.push({ step: e.step, values: e.values });
    byStage.set(e.stage, list);
  }
  const stages = [...byStage.entries()].map(([stage, rows]): StageCurve => {
    rows.sort((a, b) => a.step - b.step);
    const losses = rows.map((r) => r.values.loss ?? Number.NaN);
    const every = Math.max(1, Math.ceil(rows.length / points));
    const curve = rows.filter((_, i) => i % every === 0 || i === rows.length - 1).map((r): [number, number] => [r.step, r.values.loss ?? Number.NaN]);
    const probes: Record<string, [number, number][]> = {};
    for (const r of rows) {
      for (const [metric, value] of Object.entries(r.values)) if (PROBE_METRICS.has(metric)) (probes[metric] ??= []).push([r.step, value]);
    }
    return {
      stage,
      steps: rows.length ? (rows[rows.length - 1] as { step: number }).step : 0,
      firstLoss: losses[0] ?? Number.NaN,
      lastLoss: losses[losses.length - 1] ?? Number.NaN,
      minLoss: Math.min(...losses.filter(Number.isFinite)),
      last: { ...(rows[rows.length - 1]?.values ?? {}) },
      curve,
      ...(Object.keys(probes).length > 0 ? { probes } : {}),
    };
  });
  return { file: join(runDir, METRICS_FILE), stages };
}
