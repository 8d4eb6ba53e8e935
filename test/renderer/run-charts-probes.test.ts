// Probe-as-you-train in the Training tab: the encoder probes a branch logs every N steps get their own chart beside
// the losses, drawn only when a run has them, unsmoothed (a handful of points), on [0, 1].
import { describe, expect, it } from 'vitest';
import { CHARTS, chartOption, hasMetrics } from '../../src-renderer/src/lib/run-charts';
import { makePoints } from './fake-backend';

describe('the encoder probes chart', () => {
  const spec = CHARTS.find((c) => c.id === 'probes')!;

  it('draws probe/linear_accuracy and probe/seg_miou at the steps that logged them', () => {
    const points = makePoints(4);
    points[1]!.values['probe/linear_accuracy'] = 0.25;
    points[1]!.values['probe/seg_miou'] = 0.1;
    points[3]!.values['probe/linear_accuracy'] = 0.5;
    points[3]!.values['probe/seg_miou'] = 0.2;
    expect(spec).toMatchObject({ title: 'Encoder probes (probeEvery)', metrics: ['probe/linear_accuracy', 'probe/seg_miou'], smooth: false, optional: true, yRange: [0, 1] });
    expect(hasMetrics(spec, points)).toBe(true);
    expect(hasMetrics(spec, makePoints(4))).toBe(false);
    const option = chartOption(spec, points, 'step', 0.9) as { series: Array<{ name: string; data: number[][] }> };
    expect(option.series.map((s) => [s.name, s.data])).toEqual([
      ['probe/linear_accuracy', [[2, 0.25], [4, 0.5]]],
      ['probe/seg_miou', [[2, 0.1], [4, 0.2]]],
    ]);
  });
});
