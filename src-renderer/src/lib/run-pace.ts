// How far a run has come and how fast it goes: its progress over all stages (from the plan its stage events carry),
// steps/s and samples/s smoothed over its recent steps (from the metrics points' run clock), the time it has taken
// and the time left.
import type { MetricPoint, RunInfo, RunProgress } from '../../../src-shared/domain/runs';
import { emaSmooth } from './smoothing';

/** EMA weight over the steps' durations: roughly the last ten intervals count. */
export const PACE_SMOOTHING = 0.9;

export interface OverallProgress {
  stageNumber: number;
  stages: number;
  /** Steps done and planned over every stage; over the current stage alone when the run recorded no plan. */
  done: number;
  total: number;
  wholeRun: boolean;
  /** 0…1 over the whole run (without a plan, each stage counting as an equal share). */
  fraction: number;
}

export function overallProgress(progress: RunProgress): OverallProgress {
  const { stageNumber, stages, step, totalSteps, plan } = progress;
  if (!plan || plan.length === 0) {
    const inStage = totalSteps > 0 ? Math.min(1, step / totalSteps) : 0;
    return { stageNumber, stages, done: step, total: totalSteps, wholeRun: false, fraction: (stageNumber - 1 + inStage) / Math.max(1, stages) };
  }
  const before = plan.slice(0, stageNumber - 1).reduce((sum, s) => sum + s.totalSteps, 0);
  const total = plan.reduce((sum, s) => sum + s.totalSteps, 0);
  const done = before + step;
  return { stageNumber, stages, done, total, wholeRun: true, fraction: total > 0 ? Math.min(1, done / total) : 0 };
}

export interface RunPace {
  stepsPerSecond: number;
  /** Training items per second: steps/s × the current stage's items per step; null without a plan. */
  samplesPerSecond: number | null;
  /** Seconds left at the current pace: for the whole run with a plan, for the current stage without one. */
  etaSeconds: number;
}

/**
 * The pace from the points' run clock: each interval between consecutive points of one stage gives a time per step
 * (the first point of a stage is left out, its time holding the stage's set-up); their EMA is the pace. Null before
 * two points of a stage exist.
 */
export function runPace(points: readonly MetricPoint[], progress: RunProgress): RunPace | null {
  const msPerStep: number[] = [];
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1] as MetricPoint;
    const b = points[i] as MetricPoint;
    if (a.stage === b.stage && b.runStep > a.runStep && b.runMs >= a.runMs) msPerStep.push((b.runMs - a.runMs) / (b.runStep - a.runStep));
  }
  const smoothed = emaSmooth(msPerStep, PACE_SMOOTHING).at(-1);
  if (smoothed === undefined || !(smoothed > 0)) return null;
  const stepsPerSecond = 1000 / smoothed;
  const samplesPerStep = progress.plan?.[progress.stageNumber - 1]?.samplesPerStep;
  const overall = overallProgress(progress);
  return {
    stepsPerSecond,
    samplesPerSecond: samplesPerStep === undefined ? null : stepsPerSecond * samplesPerStep,
    etaSeconds: (Math.max(0, overall.total - overall.done) * smoothed) / 1000,
  };
}

/** Seconds from the run's (latest) start to its end, or to `nowMs` while it has not ended; null before it started. */
export function elapsedSeconds(run: Pick<RunInfo, 'startedAt' | 'endedAt'>, nowMs: number): number | null {
  if (!run.startedAt) return null;
  const start = Date.parse(run.startedAt);
  const end = run.endedAt ? Date.parse(run.endedAt) : nowMs;
  return Number.isNaN(start) || Number.isNaN(end) ? null : Math.max(0, (end - start) / 1000);
}
