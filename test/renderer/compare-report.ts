// A small hand-made study report for the Compare screen's tests: three encoders, a per-seed row with per-class
// details, a single-measurement row and a per-sample row whose cells come from two protocols (no sample ids, as in a
// report written before intervals: compared unpaired).
import type { MetricCell, StudyReport } from '../../src-shared/domain/study-report';

export function cell(mean: number, std: number, values: number[], extra: Partial<MetricCell> = {}): MetricCell {
  return {
    mean, std, values, spread: 'seeds', seeds: values.map((_, i) => i), chance: 0.25, ceiling: 1, protocol: 'linear-probe/x', note: '',
    ...extra,
  };
}

export function smallReport(): StudyReport {
  const single = (mean: number): MetricCell => cell(mean, 0, [mean], { spread: 'single', seeds: null, chance: 0.125, protocol: 'knn/k10' });
  const focus = (mean: number, std: number, loss: string): MetricCell =>
    cell(mean, std, [mean - std, mean + std], { spread: 'samples', seeds: null, chance: 0.0625, protocol: `gradcam/${loss}-loss` });
  const encoder = (column: string) => ({ column, stage: column, checkpoint: `/c/${column}`, encoder: `/c/${column}/encoder`, note: '' });
  const perClass = (a: number, b: number) => ({ result: { perClass: [{ name: 'circle', accuracy: a, support: 4 }, { name: 'square', accuracy: b, support: 4 }] } });
  return {
    version: 1,
    tool: 'pivot demo',
    date: '2026-01-02T03:04:05.000Z',
    backend: 'cpu',
    recipe: { name: 'shapes-quick' },
    seeds: [0, 1],
    encoders: { original: encoder('original'), sft: encoder('sft'), dpo: encoder('dpo') },
    rows: [
      {
        key: 'linear', label: 'linear probe acc', protocol: 'linear-probe/x',
        // Three probe seeds: DPO − SFT per seed 0.3125, 0.1875, 0.25 (an interval above 0); original − SFT −0.1875,
        // −0.125, −0.0625 (an interval holding 0).
        cells: {
          original: cell(0.5, 0.125, [0.375, 0.5, 0.625]), sft: cell(0.625, 0.0625, [0.5625, 0.625, 0.6875]), dpo: cell(0.875, 0.0625, [0.875, 0.8125, 0.9375]),
        },
      },
      {
        key: 'focus', label: 'focus score', protocol: 'gradcam',
        cells: { original: null, sft: focus(0.375, 0.125, 'sft'), dpo: focus(0.25, 0.0625, 'dpo') },
      },
      { key: 'alignment', label: 'alignment', protocol: 'knn/k10', cells: { original: single(0.25), sft: single(0.5), dpo: single(0.5) } },
    ],
    details: { original: { linear: perClass(0.5, 0.5) }, sft: { linear: perClass(0.75, 0.5) }, dpo: { linear: perClass(1, 0.75) } },
  };
}
