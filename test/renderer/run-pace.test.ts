// A run's pace and progress from known event sequences: overall progress across stages from the plan, steps/s and
// samples/s as an EMA over the steps' durations (a stage's set-up left out), the ETA, the elapsed time.
import { describe, expect, it } from 'vitest';
import type { MetricPoint, RunProgress } from '../../src-shared/domain/runs';
import { elapsedSeconds, overallProgress, runPace } from '../../src-renderer/src/lib/run-pace';

const plan = [
  { stage: 'align', totalSteps: 10, samplesPerStep: 4 },
  { stage: 'sft', totalSteps: 20, samplesPerStep: 8 },
  { stage: 'dpo', totalSteps: 30, samplesPerStep: 2 },
];
const inSft: RunProgress = { stage: 'sft', stageNumber: 2, stages: 3, step: 5, totalSteps: 20, plan };

/** The pace to 9 decimals: a debiased EMA of equal durations returns them up to rounding. */
const rounded = (pace: ReturnType<typeof runPace>) =>
  pace && Object.fromEntries(Object.entries(pace).map(([k, v]) => [k, v === null ? null : Number(v.toFixed(9))]));
const point = (stage: string, runStep: number, runMs: number): MetricPoint => ({ stage, step: runStep, runStep, runMs, values: { loss: 1 } });

describe('overall progress', () => {
  it('counts the steps of every stage before the current one, over the whole plan', () => {
    expect(overallProgress(inSft)).toEqual({ stageNumber: 2, stages: 3, done: 15, total: 60, wholeRun: true, fraction: 0.25 });
  });

  it('without a recorded plan, counts the current stage and gives each stage an equal share', () => {
    const { plan: _plan, ...old } = inSft;
    expect(overallProgress(old)).toEqual({ stageNumber: 2, stages: 3, done: 5, total: 20, wholeRun: false, fraction: (1 + 0.25) / 3 });
  });
});

describe('pace', () => {
  it('is steps/s, samples/s (the stage\'s items per step) and the ETA over every stage left', () => {
    // 250 ms a step: 4 steps/s, 8 items a step in sft; 45 steps left of 60.
    const points = [point('sft', 11, 9000), point('sft', 12, 9250), point('sft', 13, 9500), point('sft', 15, 10_000)];
    expect(rounded(runPace(points, inSft))).toEqual({ stepsPerSecond: 4, samplesPerSecond: 32, etaSeconds: 11.25 });
  });

  it('smooths the steps\' durations (EMA 0.9, debiased) and leaves out the interval holding a stage\'s set-up', () => {
    // align: 100 ms a step; sft starts 4.3 s later (its set-up); then 200 ms a step.
    const points = [point('align', 1, 500), point('align', 2, 600), point('align', 3, 700), point('sft', 4, 5000), point('sft', 5, 5200), point('sft', 6, 5400)];
    let last = 0;
    for (const ms of [100, 100, 200, 200]) last = 0.9 * last + 0.1 * ms;
    const msPerStep = last / (1 - 0.9 ** 4);
    expect(msPerStep).toBeCloseTo(155.2486, 4);
    const pace = runPace(points, { ...inSft, step: 2 });
    expect(pace?.stepsPerSecond).toBeCloseTo(1000 / msPerStep, 10);
    expect(pace?.samplesPerSecond).toBeCloseTo((8 * 1000) / msPerStep, 10);
    expect(pace?.etaSeconds).toBeCloseTo(((60 - 12) * msPerStep) / 1000, 10);
  });

  it('is unknown before two points of one stage; without a plan it has no samples/s and counts down the stage', () => {
    expect(runPace([point('sft', 1, 100)], inSft)).toBeNull();
    expect(runPace([point('align', 1, 100), point('sft', 2, 900)], inSft)).toBeNull();
    const { plan: _plan, ...old } = inSft;
    expect(rounded(runPace([point('sft', 4, 1000), point('sft', 5, 1500)], old))).toEqual({ stepsPerSecond: 2, samplesPerSecond: null, etaSeconds: 7.5 });
  });
});

describe('elapsed time', () => {
  it('runs from the start to now while the run goes on, and to its end once it has ended', () => {
    const startedAt = '2026-12-03T10:00:00.000Z';
    expect(elapsedSeconds({ startedAt, endedAt: null }, Date.parse('2026-12-03T10:03:05.500Z'))).toBe(185.5);
    expect(elapsedSeconds({ startedAt, endedAt: '2026-12-03T11:00:00.000Z' }, Date.parse('2026-12-04T00:00:00Z'))).toBe(3600);
    expect(elapsedSeconds({ startedAt: null, endedAt: null }, 0)).toBeNull();
  });
});
