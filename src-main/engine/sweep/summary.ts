// From points to answers: each setting's metrics as mean ± std over its branch seeds, and per metric the best DPO
// setting against the best SFT setting, judged as the study judges every difference: the 95 % interval over branch
// seeds (paired by branch seed where both settings share them), a direction only where it excludes 0.
import type { MeasuredCell } from '../../../src-shared/domain/study-report';
import { row, type ComparisonRow } from '../study/report-json';
import { meanStd, type MeanStd } from '../probes/stats';
import type { Objective } from '../train';
import type { SweepSetting } from './grid';
import { METRIC_LABELS, SWEEP_METRICS, type Measurements, type SweepMetric } from './measure';
import type { PointResult } from './point-result';

export interface SettingSummary extends SweepSetting {
  /** The points (one per branch seed) behind the numbers. */
  points: string[];
  seeds: number[];
  /**
   * Per metric: the mean over the branch seeds of each point's value (itself a mean over probe seeds) ± the std over
   * branch seeds, each branch seed's value kept with its seed (the unit the intervals are over).
   */
  metrics: Partial<Record<SweepMetric, MeasuredCell>>;
  training: { finalLoss: MeanStd; tailLoss: MeanStd; tailDpoAccuracy?: MeanStd };
}

/** The best setting of one objective for one metric. */
interface Best {
  setting: string;
  cell: MeasuredCell;
}

/**
 * One metric as `pivot study` compares it — original (the base encoder), SFT, DPO, and DPO − SFT with its interval
 * and verdict — where SFT and DPO are each objective's best setting, named beside.
 */
export interface Verdict extends ComparisonRow {
  metric: SweepMetric;
  sftSetting: string | null;
  dpoSetting: string | null;
}

function cellOf(results: readonly PointResult[], metric: SweepMetric): MeasuredCell | null {
  const measured = results.flatMap((r) => (r.metrics[metric] ? [{ m: r.metrics[metric], seed: r.point.seed }] : []));
  const first = measured[0]?.m;
  if (!first) return null;
  const values = measured.map((x) => x.m.value);
  // Each branch seed's value already carries the probe's own noise (it is a mean over probe seeds or pairs), so the
  // spread over branch seeds holds both; one branch seed is a single measurement with no spread to show.
  const { mean, std } = meanStd(values);
  const probeStd = measured.reduce((sum, x) => sum + x.m.std, 0) / measured.length;
  return {
    mean, std, spread: values.length > 1 ? 'seeds' : 'single', values, seeds: measured.map((x) => x.seed),
    chance: first.chance, ceiling: first.ceiling, protocol: first.protocol,
    note:
      `over ${values.length} branch seed${values.length === 1 ? '' : 's'}; each value is the mean over ${first.values.length} ${first.over} ` +
      `(mean std over ${first.over} ${probeStd.toFixed(4)}); ± the std over branch seeds`,
  };
}

/** One summary per setting, in grid order; `results` may lack points not measured yet. */
export function summariseSettings(results: readonly PointResult[]): SettingSummary[] {
  const bySetting = new Map<string, PointResult[]>();
  for (const r of results) bySetting.set(r.point.setting, [...(bySetting.get(r.point.setting) ?? []), r]);
  return [...bySetting.values()].map((group) => {
    const { setting, objective, lr, encoderLr, beta, length, rejections } = (group[0] as PointResult).point;
    const metrics: Partial<Record<SweepMetric, MeasuredCell>> = {};
    for (const metric of SWEEP_METRICS) {
      const cell = cellOf(group, metric);
      if (cell) metrics[metric] = cell;
    }
    const accuracies = group.flatMap((r) => (r.training.tailDpoAccuracy !== undefined ? [r.training.tailDpoAccuracy] : []));
    return {
      setting, objective, lr, encoderLr, ...(beta !== undefined ? { beta } : {}), length, ...(rejections !== undefined ? { rejections } : {}),
      points: group.map((r) => r.point.name),
      seeds: group.map((r) => r.point.seed),
      metrics,
      training: {
        finalLoss: meanStd(group.map((r) => r.training.finalLoss)),
        tailLoss: meanStd(group.map((r) => r.training.tailLoss)),
        ...(accuracies.length > 0 ? { tailDpoAccuracy: meanStd(accuracies) } : {}),
      },
    };
  });
}

function bestOf(settings: readonly SettingSummary[], objective: Objective, metric: SweepMetric): Best | null {
  let best: Best | null = null;
  for (const s of settings) {
    const cell = s.metrics[metric];
    if (s.objective !== objective || !cell || !Number.isFinite(cell.mean)) continue;
    if (!best || cell.mean > best.cell.mean) best = { setting: s.setting, cell };
  }
  return best;
}

/** Per metric measured: the best (highest mean) SFT and DPO settings, against each other and the base encoder. */
export function verdicts(settings: readonly SettingSummary[], base: Partial<Record<SweepMetric, MeasuredCell>>): Verdict[] {
  return SWEEP_METRICS.filter((metric) => settings.some((s) => s.metrics[metric])).map((metric) => {
    const sft = bestOf(settings, 'sft', metric);
    const dpo = bestOf(settings, 'dpo', metric);
    const protocol = (sft ?? dpo)?.cell.protocol ?? '';
    return {
      ...row(metric, METRIC_LABELS[metric], protocol, { original: base[metric] ?? null, sft: sft?.cell ?? null, dpo: dpo?.cell ?? null }),
      metric, sftSetting: sft?.setting ?? null, dpoSetting: dpo?.setting ?? null,
    };
  });
}

/** The base encoder's measurements as cells: its spread is over probe seeds (or Grad-CAM pairs), not branch seeds. */
export function baseCells(measurements: Measurements): Partial<Record<SweepMetric, MeasuredCell>> {
  const cells: Partial<Record<SweepMetric, MeasuredCell>> = {};
  for (const metric of SWEEP_METRICS) {
    const m = measurements[metric];
    if (!m) continue;
    cells[metric] = {
      mean: m.value, std: m.std, spread: m.over === 'pairs' ? 'samples' : 'seeds', values: m.values, seeds: null,
      chance: m.chance, ceiling: m.ceiling, protocol: m.protocol, note: `the base encoder; std over ${m.values.length} ${m.over}`,
    };
  }
  return cells;
}
