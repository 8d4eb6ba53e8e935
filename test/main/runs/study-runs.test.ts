// `pivot demo --workspace` records the study's two branches as runs of the workspace, the way the window's studies do:
// each branch's events into its run, its result completing it, and a branch cut short by the study's error failed;
// each run's launch.json says the backend and threads the study was started with, as a run of its own's does.
import { describe, expect, it } from 'vitest';
import type { StudyProgress } from '../../../src-main/engine/study/run-study';
import { runConfig } from '../../../src-main/runs/run-config';
import { resolveRecipe } from '../../../src-main/runs/recipes';
import { recordStudyRuns } from '../../../src-main/runs/study-runs';
import { Workspace } from '../../../src-main/store/workspace';
import { tempDir } from '../../helpers/workspace';

/** What runStudy reports for one branch: a stage, `steps` steps, and, when it finishes, its result. */
function branch(objective: 'sft' | 'dpo', steps: number, finished: boolean): StudyProgress[] {
  const progress: StudyProgress[] = [
    { type: 'phase', phase: 'train', message: `Training the ${objective} branch` },
    { type: 'train', objective, event: { type: 'stage', stage: objective, index: 1, of: 1, totalSteps: steps } },
  ];
  for (let step = 1; step <= steps; step++) {
    progress.push({ type: 'train', objective, event: { type: 'metrics', stage: objective, step, totalSteps: steps, epoch: 0, elapsedMs: step, values: { loss: 1 / step } } });
  }
  if (finished) {
    const checkpoint = `/study/run/checkpoints/${objective}-${steps}`;
    progress.push({
      type: 'trained', objective,
      result: { runDir: '/study/run', backend: 'cpu', objective, stages: [{ name: objective, steps, finalLoss: 1 / steps, checkpoint }], finalCheckpoint: checkpoint, cancelled: false },
    });
  }
  return progress;
}

describe('a study recorded in a workspace', () => {
  it('records each branch as a run named after the report: completed with its result, or failed with the error', () => {
    const dir = tempDir('pivot-study-runs-');
    const recorded = recordStudyRuns(dir, { report: '2026-03-04_05-06-07', recipe: 'shapes-quick', backend: null });
    for (const p of [...branch('sft', 3, true), ...branch('dpo', 2, false)]) recorded.runs.push(p);
    recorded.close({ code: 'INTERNAL', message: 'loss is NaN at step 3 of dpo' });

    const ws = Workspace.open(dir);
    try {
      expect(ws.runs.list().map((r) => [r.id, r.name, r.recipe, r.objective, r.status, r.error])).toEqual([
        [2, 'study 2026-03-04_05-06-07 · dpo', 'shapes-quick', 'dpo', 'failed', 'loss is NaN at step 3 of dpo'],
        [1, 'study 2026-03-04_05-06-07 · sft', 'shapes-quick', 'sft', 'completed', null],
      ]);
      expect(ws.runs.get(1)).toMatchObject({ backend: 'cpu', result: { finalCheckpoint: '/study/run/checkpoints/sft-3' } });
      expect(ws.runs.metrics(1, 10).total).toBe(3);
      expect(ws.runs.metrics(2, 10).total).toBe(2);
      expect(ws.runs.get(2).progress).toEqual({ stage: 'dpo', stageNumber: 1, stages: 1, step: 2, totalSteps: 2 });
    } finally {
      ws.close();
    }
  });

  it("writes each branch run's launch.json: the study's recipe, the branch, its backend and threads", () => {
    const dir = tempDir('pivot-study-runs-');
    const recorded = recordStudyRuns(dir, { report: 'r1', recipe: 'shapes-quick', backend: 'native', threads: 3 });
    for (const p of [...branch('sft', 1, true), ...branch('dpo', 1, true)]) recorded.runs.push(p);
    recorded.close(null);

    const ws = Workspace.open(dir);
    try {
      const launches = ws.runs.list().map((run) => runConfig(run).launch);
      expect(launches).toEqual([
        { recipe: resolveRecipe('shapes-quick'), objective: 'dpo', backend: 'native', threads: 3, launchedAt: expect.any(String) },
        { recipe: resolveRecipe('shapes-quick'), objective: 'sft', backend: 'native', threads: 3, launchedAt: expect.any(String) },
      ]);
      expect(Date.parse(launches[1]!.launchedAt)).toBe(Date.parse(ws.runs.get(1).startedAt!));
    } finally {
      ws.close();
    }
  });
});
