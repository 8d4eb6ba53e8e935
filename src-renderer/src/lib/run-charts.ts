// The training view's charts as data: which metrics each chart draws, and the ECharts option for one chart from a
// run's points — x by step or by time, one line per metric and stage (an SFT loss of ~4 and a DPO loss of ~0.69 are
// different quantities), raw values faint behind their EMA-smoothed line, the smoothing restarting at each stage —
// or from several runs overlaid, one colour each.
import { TRAINING_PROBE_METRICS, type MetricPoint } from '../../../src-shared/domain/runs';
import { emaSmooth } from './smoothing';

export type XAxisKind = 'step' | 'time';

export interface ChartSpec {
  id: string;
  title: string;
  /** Metric names (TRL's), each a line. */
  metrics: string[];
  /** Schedules are not noisy: they are never smoothed. */
  smooth: boolean;
  /** Drawn only when the run reports one of its metrics. */
  optional?: boolean;
  yRange?: [number, number];
}

export const CHARTS: readonly ChartSpec[] = [
  { id: 'loss', title: 'Loss', metrics: ['loss'], smooth: true },
  { id: 'margins', title: 'Reward margin (DPO)', metrics: ['rewards/margins'], smooth: true, optional: true },
  { id: 'accuracies', title: 'Reward accuracy (DPO)', metrics: ['rewards/accuracies'], smooth: true, optional: true, yRange: [0, 1] },
  // A branch's probe-as-you-train (`probeEvery`): a few points per stage, so never smoothed.
  { id: 'probes', title: 'Encoder probes (probeEvery)', metrics: [TRAINING_PROBE_METRICS.linear, TRAINING_PROBE_METRICS.segmentation], smooth: false, optional: true, yRange: [0, 1] },
  // The stage's LR, then each part's own where it differs (the engine logs `<part>_learning_rate` only then).
  { id: 'lr', title: 'Learning rate', metrics: ['learning_rate', 'encoder_learning_rate', 'projector_learning_rate', 'lm_learning_rate'], smooth: false },
];

/** Overlaid runs tell a chart's metrics apart by line type: the first solid, the next dashed, dotted, dash-dotted. */
const LINE_TYPES: ReadonlyArray<string | number[]> = ['solid', 'dashed', 'dotted', [8, 3, 2, 3]];

const COLORS = ['#2f6fde', '#d9480f', '#1a7f37', '#8250df'];
/** One colour per overlaid run, distinct enough side by side. */
export const RUN_COLORS = ['#2f6fde', '#d9480f', '#1a7f37', '#8250df', '#bf3989', '#9a6700', '#0a7e8c', '#57606a'];

export function xOf(point: MetricPoint, kind: XAxisKind): number {
  return kind === 'step' ? point.runStep : point.runMs / 1000;
}

/** Whether the points hold any metric of the chart. */
export function hasMetrics(spec: ChartSpec, points: readonly MetricPoint[]): boolean {
  return points.some((p) => spec.metrics.some((m) => m in p.values));
}

/** One stage's stretch of a metric as [x, y] pairs, raw and smoothed. */
export interface StageSeries {
  stage: string;
  raw: Array<[number, number]>;
  smoothed: Array<[number, number]>;
}

/**
 * One metric split where the stage changes (points without it, or with null for NaN, are skipped), each stretch
 * smoothed on its own: a stage's first smoothed value is its first raw value, not a carry-over of the stage before.
 */
export function metricSeries(points: readonly MetricPoint[], metric: string, kind: XAxisKind, smoothing: number): StageSeries[] {
  const stretches: Array<{ stage: string; raw: Array<[number, number]> }> = [];
  let previousStage: string | null = null;
  for (const p of points) {
    const y = p.values[metric];
    if (typeof y !== 'number') continue;
    if (p.stage !== previousStage) stretches.push({ stage: p.stage, raw: [] });
    previousStage = p.stage;
    (stretches[stretches.length - 1] as { raw: Array<[number, number]> }).raw.push([xOf(p, kind), y]);
  }
  return stretches.map(({ stage, raw }) => {
    const ys = emaSmooth(raw.map(([, y]) => y), smoothing);
    return { stage, raw, smoothed: raw.map(([x], i) => [x, ys[i] as number]) };
  });
}

/** Where each stage after the first begins, for vertical marks. */
export function stageStarts(points: readonly MetricPoint[], kind: XAxisKind): Array<{ stage: string; x: number }> {
  const starts: Array<{ stage: string; x: number }> = [];
  for (let i = 1; i < points.length; i++) {
    const p = points[i] as MetricPoint;
    if (p.stage !== (points[i - 1] as MetricPoint).stage) starts.push({ stage: p.stage, x: xOf(p, kind) });
  }
  return starts;
}

export function formatSeconds(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/** Time ticks every whole number of "nice" seconds, about five across the run: labels that never repeat. */
export function timeTickInterval(maxSeconds: number): number {
  const niceSteps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];
  const wanted = maxSeconds / 5;
  return niceSteps.find((step) => step >= wanted) ?? Math.ceil(wanted / 3600) * 3600;
}

/** The ECharts option of one chart of one run. */
export function chartOption(spec: ChartSpec, points: readonly MetricPoint[], kind: XAxisKind, smoothing: number): Record<string, unknown> {
  const weight = spec.smooth ? smoothing : 0;
  const series: Array<Record<string, unknown>> = [];
  const names: string[] = [];
  for (const metric of spec.metrics) {
    const stretches = metricSeries(points, metric, kind, weight);
    for (const stretch of stretches) {
      const name = stretches.length > 1 ? `${metric} · ${stretch.stage}` : metric;
      series.push(...lines(stretch, { name, rawName: `${name} (raw)` }, COLORS[names.length % COLORS.length] as string, weight > 0, 'solid'));
      names.push(name);
    }
  }
  const marks = stageStarts(points, kind);
  if (series.length > 0 && marks.length > 0) {
    (series[series.length - 1] as Record<string, unknown>).markLine = {
      symbol: 'none',
      silent: true,
      lineStyle: { type: 'dashed', color: '#8c959f' },
      // Right of the line: a stage starting near the left edge would otherwise be written over the y axis labels.
      label: { formatter: '{b}', position: 'insideEndBottom', color: '#636c76', fontSize: 10 },
      data: marks.map((m) => ({ name: m.stage, xAxis: m.x })),
    };
  }
  return frame(spec, kind, points, names.length > 1 ? names : [], series);
}

/** A run drawn over others: its name (the legend's) and its points. */
export interface OverlaidRun {
  name: string;
  points: readonly MetricPoint[];
}

/**
 * The option of one chart drawing several runs, one colour each and the legend by run name (clicking a name hides that
 * run): each stage of a run its own stretch, smoothed on its own, all on the runs' shared step (or time) axis, so the
 * same loss kind lines up step by step. A chart's later metrics (the parts' learning rates) are dashed, dotted, ….
 */
export function overlayChartOption(spec: ChartSpec, runs: readonly OverlaidRun[], kind: XAxisKind, smoothing: number): Record<string, unknown> {
  const weight = spec.smooth ? smoothing : 0;
  const series = runs.flatMap((run, r) =>
    spec.metrics.flatMap((metric, m) =>
      metricSeries(run.points, metric, kind, weight).flatMap((stretch) => lines(stretch, { name: run.name, rawName: run.name }, RUN_COLORS[r % RUN_COLORS.length] as string, weight > 0, LINE_TYPES[m % LINE_TYPES.length] as string | number[])),
    ),
  );
  return frame(spec, kind, runs.flatMap((run) => run.points), runs.map((run) => run.name), series);
}

/**
 * One stretch as ECharts lines: the raw values faint behind their smoothed line when smoothing, else the raw line.
 * Overlaid runs name the raw line as the run, so that the run's legend entry hides both.
 */
function lines(stretch: StageSeries, names: { name: string; rawName: string }, color: string, smoothed: boolean, type: string | number[]): Array<Record<string, unknown>> {
  const { name, rawName } = names;
  const line = { name, type: 'line', data: smoothed ? stretch.smoothed : stretch.raw, showSymbol: false, lineStyle: { width: 2, type }, itemStyle: { color }, sampling: 'lttb', z: 2 };
  if (!smoothed) return [line];
  return [{ name: rawName, type: 'line', data: stretch.raw, showSymbol: false, lineStyle: { width: 1, opacity: 0.35, type }, itemStyle: { color }, silent: true, z: 1 }, line];
}

/** What every chart shares: axes (time ticks over all the points), tooltip, and a legend when it names more than one. */
function frame(spec: ChartSpec, kind: XAxisKind, points: readonly MetricPoint[], legend: string[], series: Array<Record<string, unknown>>): Record<string, unknown> {
  const maxSeconds = Math.max(0, ...points.map((p) => xOf(p, 'time')));
  return {
    animation: false,
    grid: { left: 56, right: 16, top: 28, bottom: 36 },
    legend: legend.length > 0 ? { top: 0, right: 0, data: legend, textStyle: { fontSize: 11 } } : undefined,
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? v.toPrecision(4) : String(v)) },
    xAxis:
      kind === 'step'
        ? { type: 'value', name: 'step', nameLocation: 'end', scale: true }
        : { type: 'value', name: 'time', nameLocation: 'end', min: 0, interval: timeTickInterval(maxSeconds), axisLabel: { formatter: (v: number) => formatSeconds(v) } },
    yAxis: { type: 'value', scale: spec.yRange === undefined, ...(spec.yRange ? { min: spec.yRange[0], max: spec.yRange[1] } : {}) },
    series,
  };
}
