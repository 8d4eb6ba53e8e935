// The charts' math: TensorBoard's debiased EMA smoothing, and the chart series built from a run's points (x by step
// or by time, raw behind smoothed, schedules never smoothed, stage starts marked).
import { describe, expect, it } from 'vitest';
import { CHARTS, chartOption, formatSeconds, metricSeries, stageStarts } from '../../src-renderer/src/lib/run-charts';
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
    expect(metricSeries(withGap, 'loss', 'step', 0).map((s) => s.raw)).toEqual([[[1, 1], [2, 0.5]]]);
    expect(metricSeries(points, 'loss', 'time', 0).flatMap((s) => s.raw.map(([x]) => x))).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
  });

  it('draws the raw line faintly behind the smoothed one; the learning rate is never smoothed', () => {
    const loss = chartOption(CHARTS.find((c) => c.id === 'loss')!, makePoints(5), 'step', 0.6) as { series: Array<{ name: string; data: number[][] }> };
    expect(loss.series.map((s) => s.name)).toEqual(['loss (raw)', 'loss']);
    const ys = [1, 1 / 2, 1 / 3, 1 / 4, 1 / 5];
    expect(loss.series[1]!.data.map(([, y]) => y)).toEqual(emaSmooth(ys, 0.6));
    const lr = chartOption(CHARTS.find((c) => c.id === 'lr')!, points, 'step', 0.6) as { series: Array<{ name: string }> };
    expect(lr.series.map((s) => s.name)).toEqual(['learning_rate · align', 'learning_rate · dpo']);
  });

  it("plots each part's own learning rate beside the stage's, when the run logs it", () => {
    const parts = makePoints(2, 1, 'dpo').map((p) => ({ ...p, values: { learning_rate: 1e-5, projector_learning_rate: 2e-5 * p.step, lm_learning_rate: 1e-6 } }));
    const lr = chartOption(CHARTS.find((c) => c.id === 'lr')!, parts, 'step', 0.6) as { series: Array<{ name: string; data: number[][] }>; legend: { data: string[] } };
    expect(lr.series.map((s) => [s.name, s.data])).toEqual([
      ['learning_rate', [[1, 1e-5], [2, 1e-5]]],
      ['projector_learning_rate', [[1, 2e-5], [2, 4e-5]]],
      ['lm_learning_rate', [[1, 1e-6], [2, 1e-6]]],
    ]);
    expect(lr.legend.data).toEqual(['learning_rate', 'projector_learning_rate', 'lm_learning_rate']);
  });

  it('marks where each later stage starts', () => {
    expect(stageStarts(points, 'step')).toEqual([{ stage: 'dpo', x: 4 }]);
    const option = chartOption(CHARTS[0]!, points, 'step', 0) as { series: Array<{ markLine?: { data: unknown[] } }> };
    expect(option.series.at(-1)!.markLine!.data).toEqual([{ name: 'dpo', xAxis: 4 }]);
  });
});

describe('the loss chart across stages', () => {
  // An SFT stage with an LM loss near 4.5, then a DPO stage with a flat loss of 0.69.
  const sft = [4.6, 4.4, 4.5].map((loss, i) => ({ stage: 'sft', step: i + 1, runStep: i + 1, runMs: 1000 * (i + 1), values: { loss } }));
  const dpo = [0.69, 0.69, 0.69].map((loss, i) => ({ stage: 'dpo', step: i + 1, runStep: i + 4, runMs: 1000 * (i + 4), values: { loss } }));
  const option = chartOption(CHARTS[0]!, [...sft, ...dpo], 'step', 0.9) as {
    series: Array<{ name: string; data: number[][] }>;
    legend: { data: string[] };
  };

  it('draws one line per stage, each with its raw points, smoothing restarting at the stage', () => {
    expect(option.series.map((s) => s.name)).toEqual(['loss · sft (raw)', 'loss · sft', 'loss · dpo (raw)', 'loss · dpo']);
    expect(option.legend.data).toEqual(['loss · sft', 'loss · dpo']);
    expect(option.series[2]!.data).toEqual([[4, 0.69], [5, 0.69], [6, 0.69]]);
    // The first smoothed DPO point is its raw value, and a flat loss stays flat (no carry-over from ~4.5).
    expect(option.series[3]!.data.map(([, y]) => Number(y!.toFixed(12)))).toEqual([0.69, 0.69, 0.69]);
    expect(option.series[1]!.data[0]).toEqual([1, 4.6]);
  });

  it('labels the time axis with distinct whole seconds for a five-second run', () => {
    const timed = chartOption(CHARTS[0]!, [...sft, ...dpo.slice(0, 2)], 'time', 0.9) as {
      xAxis: { min: number; interval: number; axisLabel: { formatter: (v: number) => string } };
    };
    expect(timed.xAxis.min).toBe(0);
    expect(timed.xAxis.interval).toBe(1);
    const ticks = Array.from({ length: 6 }, (_, i) => timed.xAxis.min + i * timed.xAxis.interval);
    expect(ticks.map(timed.xAxis.axisLabel.formatter)).toEqual(['0:00', '0:01', '0:02', '0:03', '0:04', '0:05']);
    expect(formatSeconds(3725)).toBe('1:02:05');
  });

  it('writes stage names right of their line, clear of the y axis', () => {
    const last = option.series.at(-1) as unknown as { markLine: { label: { position: string }; data: unknown[] } };
    expect(last.markLine.data).toEqual([{ name: 'dpo', xAxis: 4 }]);
    expect(last.markLine.label.position).toBe('insideEndBottom');
  });
});
