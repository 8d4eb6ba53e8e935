// Fewer points for a chart: a run of consecutive metric points becomes one point holding each metric's mean.
// The store downsamples a run's history with it and the window its live tail, so both draw the same line.
import type { MetricPoint } from '../domain/runs';

/**
 * Folds `total` points, given one by one in order, into at most `maxPoints`: point k goes to bucket
 * ⌊k · maxPoints / total⌋. A bucket's step, time and stage are those of its last point (so the last point of the run
 * keeps its x), each metric the mean of its finite values there. With total ≤ maxPoints every point is kept as is.
 */
export class PointBuckets {
  private readonly out: MetricPoint[] = [];
  private index = 0;
  private bucket = -1;
  private sums: Record<string, number> = {};
  private counts: Record<string, number> = {};

  constructor(
    private readonly total: number,
    private readonly maxPoints: number,
  ) {
    if (!Number.isInteger(maxPoints) || maxPoints < 1) throw new Error(`maxPoints must be a positive integer, got ${maxPoints}`);
  }

  add(point: MetricPoint): void {
    if (this.total <= this.maxPoints) {
      this.out.push(point);
      return;
    }
    const bucket = Math.floor((this.index * this.maxPoints) / this.total);
    this.index += 1;
    if (bucket !== this.bucket) {
      this.bucket = bucket;
      this.sums = {};
      this.counts = {};
      this.out.push({ ...point, values: {} });
    }
    const last = this.out[this.out.length - 1] as MetricPoint;
    last.stage = point.stage;
    last.step = point.step;
    last.runStep = point.runStep;
    last.runMs = point.runMs;
    for (const [key, value] of Object.entries(point.values)) {
      if (!Number.isFinite(value)) continue;
      this.sums[key] = (this.sums[key] ?? 0) + value;
      this.counts[key] = (this.counts[key] ?? 0) + 1;
      last.values[key] = (this.sums[key] as number) / (this.counts[key] as number);
    }
  }

  result(): MetricPoint[] {
    return this.out;
  }
}

/** `points` reduced to at most `maxPoints` (see PointBuckets). */
export function downsamplePoints(points: readonly MetricPoint[], maxPoints: number): MetricPoint[] {
  const buckets = new PointBuckets(points.length, maxPoints);
  for (const p of points) buckets.add(p);
  return buckets.result();
}
