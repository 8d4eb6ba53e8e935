// Each setting's change from the base encoder every branch starts from, per metric: without it "DPO's encoder better
// than SFT's" could mean that DPO improves the encoder or only that it harms it less. The base is one measurement
// (its probe seeds' mean), held fixed: the interval is a t-interval over the setting's branch seeds.
import { difference, type Difference } from '../../../src-shared/stats/difference';
import { differenceText } from '../../../src-shared/stats/difference-text';
import { SWEEP_METRICS, type Measurements, type SweepMetric } from './measure';
import type { SettingSummary } from './summary';

export interface BaseChange {
  metric: SweepMetric;
  setting: string;
  /** setting − base. */
  difference: Difference;
}

/** Per metric the base was measured on, every setting's change from it, in grid order. */
export function changesFromBase(settings: readonly SettingSummary[], base: Measurements): BaseChange[] {
  return SWEEP_METRICS.flatMap((metric) => {
    const at = base[metric]?.value;
    if (at === undefined || !Number.isFinite(at)) return [];
    return settings.flatMap((s): BaseChange[] => {
      const cell = s.metrics[metric];
      if (!cell?.seeds) return [];
      const fixed = { mean: at, spread: 'seeds' as const, values: cell.seeds.map(() => at), seeds: cell.seeds };
      const d = difference(cell, fixed);
      return d ? [{ metric, setting: s.setting, difference: d }] : [];
    });
  });
}

/** One metric's changes as a findings line: "change from the base encoder: sft-… −0.009 [−0.013, −0.005] …". */
export function baseChangeLine(changes: readonly BaseChange[], metric: SweepMetric): string[] {
  const mine = changes.filter((c) => c.metric === metric);
  if (mine.length === 0) return [];
  return [`  - change from the base encoder (its score held fixed): ${mine.map((c) => `${c.setting} ${differenceText(c.difference)}`).join('; ')}`];
}
