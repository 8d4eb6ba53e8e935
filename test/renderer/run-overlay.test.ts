// Several runs on one chart: one colour per run, the legend by run name (hiding a run hides its raw line too), each
// run's stages smoothed on their own, the same loss kind lined up by step.
import { describe, expect, it } from 'vitest';
import { CHARTS, RUN_COLORS, overlayChartOption } from '../../src-renderer/src/lib/run-charts';
import { makePoints } from './fake-backend';

type Series = { name: string; data: number[][]; itemStyle: { color: string }; lineStyle: { type: string | number[]; opacity?: number } };
const chart = (id: string) => CHARTS.find((c) => c.id === id)!;

describe('overlaid runs', () => {
  it('draws each run in its own colour, named by the run, on the shared step axis', () => {
    const sftThenDpo = [...makePoints(2, 1, 'sft'), ...makePoints(2, 3, 'dpo')];
    const dpoOnly = makePoints(3, 1, 'dpo');
    const option = overlayChartOption(chart('loss'), [{ name: 'baseline', points: sftThenDpo }, { name: 'beta-0.5', points: dpoOnly }], 'step', 0) as {
      legend: { data: string[] };
      series: Series[];
    };
    expect(option.legend.data).toEqual(['baseline', 'beta-0.5']);
    // baseline: its sft stretch and its dpo stretch apart; beta-0.5: one stretch. Loss 1/step at each step.
    expect(option.series.map((s) => [s.name, s.itemStyle.color, s.data])).toEqual([
      ['baseline', RUN_COLORS[0], [[1, 1], [2, 0.5]]],
      ['baseline', RUN_COLORS[0], [[3, 1 / 3], [4, 0.25]]],
      ['beta-0.5', RUN_COLORS[1], [[1, 1], [2, 0.5], [3, 1 / 3]]],
    ]);
  });

  it('smooths each run on its own, its raw line faint and named as the run; later metrics dashed, dotted, …', () => {
    const option = overlayChartOption(chart('loss'), [{ name: 'a', points: makePoints(2) }, { name: 'b', points: makePoints(2) }], 'step', 0.5) as { series: Series[] };
    expect(option.series.map((s) => [s.name, s.lineStyle.opacity ?? 1])).toEqual([['a', 0.35], ['a', 1], ['b', 0.35], ['b', 1]]);
    // EMA 0.5 debiased: 1, then (0.25 + 0.25) / 0.75.
    expect(option.series[1]!.data).toEqual([[1, 1], [2, (0.5 * 0.5 * 1 + 0.5 * 0.5) / 0.75]]);
    const points = makePoints(2).map((p) => ({ ...p, values: { learning_rate: 1e-3, encoder_learning_rate: 2e-4 } }));
    const lr = overlayChartOption(chart('lr'), [{ name: 'a', points }, { name: 'b', points }], 'step', 0.5) as { series: Series[] };
    expect(lr.series.map((s) => [s.name, s.lineStyle.type])).toEqual([['a', 'solid'], ['a', 'dashed'], ['b', 'solid'], ['b', 'dashed']]);
    // Each part's learning rate its own line type, so that a run's three do not look alike.
    const parts = makePoints(2).map((p) => ({ ...p, values: { learning_rate: 1e-3, encoder_learning_rate: 2e-4, projector_learning_rate: 2e-3, lm_learning_rate: 1e-4 } }));
    const partLrs = overlayChartOption(chart('lr'), [{ name: 'a', points: parts }], 'step', 0.5) as { series: Series[] };
    expect(partLrs.series.map((s) => s.lineStyle.type)).toEqual(['solid', 'dashed', 'dotted', [8, 3, 2, 3]]);
  });
});
