// The charts' math: TensorBoard's debiased EMA smoothing, and the chart series built from a run's points (x by step
// or by time, raw behind smoothed, schedules never smoothed, stage starts marked).
import { describe, expect, it } from 'vitest';
import { CHARTS, chartOption, metricSeries, stageStarts } from '../../src-renderer/src/lib/run-charts';
import { emaSmooth } from '../../src-renderer/src/lib/smoothing';
import { makePoints } from './fake-backend';

describe('emaSmooth', () => {
  it('is the identity at weight 0', () => {
    expect(emaSmooth([3, 1, 4, 1, 5], 0)).toEqual([3, 1, 4, 1, 5]);
  });

  it('debiases: the first value is kept and a constant stays constant', () => {
    expect(emaSmooth([2, 2, 2, 2], 0.9).map((v) => Number(v.toFixed(12)))).toEqual([2, 2, 2, 2]);
    expect(emaSmooth([5], 0.99)).toEqual([5]);
  });

  it('matches the recurrence last = w·last + (1−w)·x, divided by 1 − wⁿ', () => {
    // w = 0.5: last 0.5, 1.25, 0.625; debiased by 0.5, 0.75, 0.875.
    const smoothed = emaSmooth([1, 2, 0], 0.5);
    expect(smoothed[0]).toBeCloseTo(1, 12);
    expect(smoothed[1]).toBeCloseTo(1.25 / 0.75, 12);
    expect(smoothed[2]).toBeCloseTo(0.625 / 0.875, 12);
  });

  it('passes NaN and infinities through without disturbing the average', () => {
    const smoothed = emaSmooth([1, Number.NaN, 3, Number.POSITIVE_INFINITY], 0.5);
    expect(smoothed[1]).toBeNaN();
    expect(smoothed[3]).toBe(Number.POSITIVE_INFINITY);
    expect(smoothed[2]).toBeCloseTo(emaSmooth([1, 3], 0.5)[1] as number, 12);
  });

  it('refuses a weight outside [0, 1)', () => {
    expect(() => emaSmooth([1], 1)).toThrow(/\[0, 1\)/);
    expect(() => emaSmooth([1], -0.1)).toThrow();
  });
});

describe('chart series', () => {
  const points = [...makePoints(3, 1, 'align'), ...makePoints(2, 4, 'dpo')];

  it('plots by run step or by time in seconds, skipping points without the metric', () => {
    const withGap = [...points.slice(0, 2), { ...points[2]!, values: { learning_rate: 1 } }];
    expect(metricSeries(withGap, 'loss', 'step', 0).raw).toEqual([[1, 1], [2, 0.5]]);
    expect(metricSeries(points, 'loss', 'time', 0).raw.map(([x]) => x)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
  });

  it('draws the raw line faintly behind the smoothed one; the learning rate is never smoothed', () => {
    const loss = chartOption(CHARTS.find((c) => c.id === 'loss')!, points, 'step', 0.6) as { series: Array<{ name: string; data: number[][] }> };
    expect(loss.series.map((s) => s.name)).toEqual(['loss (raw)', 'loss']);
    const ys = [1, 1 / 2, 1 / 3, 1 / 4, 1 / 5];
    expect(loss.series[1]!.data.map(([, y]) => y)).toEqual(emaSmooth(ys, 0.6));
    const lr = chartOption(CHARTS.find((c) => c.id === 'lr')!, points, 'step', 0.6) as { series: Array<{ name: string }> };
    expect(lr.series.map((s) => s.name)).toEqual(['learning_rate']);
  });

  it('marks where each later stage starts', () => {
    expect(stageStarts(points, 'step')).toEqual([{ stage: 'dpo', x: 4 }]);
    const option = chartOption(CHARTS[0]!, points, 'step', 0) as { series: Array<{ markLine?: { data: unknown[] } }> };
    expect(option.series.at(-1)!.markLine!.data).toEqual([{ name: 'dpo', xAxis: 4 }]);
  });
});
