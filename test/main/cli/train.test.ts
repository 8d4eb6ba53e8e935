// `pivot train` runs through an engine host process (here one running the engine's test double, injected by
// test/helpers/pivot-train-on-double.ts),
// records the run in the workspace, prints one JSON object with --json, and Ctrl+C (to the whole process group, as
// a terminal sends it) cancels at the next step, keeping the checkpoint.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Workspace } from '../../../src-main/store/workspace';
import { fileURLToPath } from 'node:url';
import { testRecipe, until } from '../../helpers/training';
import { tempDir } from '../../helpers/workspace';
import { startPivot } from './run-pivot';

/** `pivot train` with hosts on the training double, run from source like bin/pivot.mjs. */
const ON_DOUBLE = ['--import', 'tsx', fileURLToPath(new URL('../../helpers/pivot-train-on-double.ts', import.meta.url))];

describe('pivot train', () => {
  it('trains through the engine host and prints the result with the run id', async () => {
    const workspace = tempDir();
    const recipe = testRecipe({ stages: [{ name: 'align', steps: 2 }, { name: 'dpo', steps: 3 }], stepMs: 2 });
    const { code, stdout } = await startPivot(['train', '--workspace', workspace, '--recipe', recipe, '--objective', 'dpo', '--json'], {}, false, ON_DOUBLE).done;
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as Record<string, unknown>;
    expect(result).toMatchObject({ runId: 1, status: 'completed', objective: 'dpo', cancelled: false, runDir: join(workspace, 'runs', '1') });
    expect(result.stages).toEqual([expect.objectContaining({ name: 'align', steps: 2 }), expect.objectContaining({ name: 'dpo', steps: 3 })]);
    const ws = Workspace.open(workspace);
    expect(ws.runs.get(1)).toMatchObject({ status: 'completed', objective: 'dpo' });
    expect(ws.runs.metrics(1, 100).total).toBe(5);
    ws.close();
  });

  it('cancels cleanly on Ctrl+C: exit 130, status cancelled, checkpoint kept', async () => {
    const workspace = tempDir();
    const recipe = testRecipe({ stages: [{ name: 'sft', steps: 2000 }], stepMs: 5 });
    const run = startPivot(['train', '--workspace', workspace, '--recipe', recipe, '--json'], {}, true, ON_DOUBLE);
    const ws = Workspace.open(workspace);
    try {
      await until(() => {
        try {
          return ws.runs.metrics(1, 10).total >= 3;
        } catch {
          return false;
        }
      }, 'the run to take steps');
      process.kill(-run.child.pid!, 'SIGINT');
      const { code, stdout } = await run.done;
      expect(code).toBe(130);
      const result = JSON.parse(stdout) as { status: string; cancelled: boolean; finalCheckpoint: string };
      expect(result).toMatchObject({ runId: 1, status: 'cancelled', cancelled: true });
      expect(existsSync(join(result.finalCheckpoint, 'state.json'))).toBe(true);
      expect(ws.runs.get(1).status).toBe('cancelled');
    } finally {
      ws.close();
      if (run.child.exitCode === null) process.kill(-run.child.pid!, 'SIGKILL');
    }
  });
});

describe('pivot train --resume', () => {
  /** The engine host's pid, from the run's log. */
  function hostPid(ws: Workspace, runId: number): number | null {
    const line = ws.runs.logs(runId).entries.map((e) => e.message).find((m) => m.startsWith('Engine host started'));
    const pid = line?.match(/pid (\d+)/)?.[1];
    return pid ? Number(pid) : null;
  }

  it('trains a run whose engine host was killed on from its checkpoint: same run, every step once, the losses of an uninterrupted run', async () => {
    const workspace = tempDir();
    // Checkpoints (which flush metrics) are rarer than the recorder's timed flush, so the crash leaves metrics recorded
    // past the last checkpoint: the resume must drop them for the steps trained again.
    const recipe = testRecipe({ stages: [{ name: 'align', steps: 10 }, { name: 'dpo', steps: 30 }], stepMs: 40, checkpointEvery: 10 });
    const first = startPivot(['train', '--workspace', workspace, '--recipe', recipe, '--json'], {}, false, ON_DOUBLE);
    const ws = Workspace.open(workspace);
    try {
      await until(() => {
        try {
          const { total } = ws.runs.metrics(1, 10);
          return total >= 22 && total % 10 !== 0;
        } catch {
          return false;
        }
      }, 'the run to record steps past a checkpoint of its second stage');
      process.kill(hostPid(ws, 1)!, 'SIGKILL');
      const crashed = await first.done;
      expect(crashed.code).toBe(1);
      expect(JSON.parse(crashed.stdout)).toMatchObject({ runId: 1, status: 'crashed' });

      const { code, stdout } = await startPivot(['train', '--workspace', workspace, '--resume', '1', '--json'], {}, false, ON_DOUBLE).done;
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toMatchObject({ runId: 1, status: 'completed', runDir: join(workspace, 'runs', '1'), stages: [expect.objectContaining({ name: 'align', steps: 10 }), expect.objectContaining({ name: 'dpo', steps: 30 })] });
      expect(ws.runs.list().map((r) => r.id)).toEqual([1]);
      // As an uninterrupted run: 40 points, each step of each stage once, one increasing axis.
      const points = ws.runs.metrics(1, 1000).points;
      expect(points.map((p) => `${p.stage}:${p.step}`)).toEqual([
        ...Array.from({ length: 10 }, (_, i) => `align:${i + 1}`),
        ...Array.from({ length: 30 }, (_, i) => `dpo:${i + 1}`),
      ]);
      expect(points.map((p) => p.runStep)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      const resumed = ws.runs.logs(1).entries.map((e) => e.message).find((m) => m.startsWith('Resumed from step'));
      const at = Number(resumed?.match(/^Resumed from step (\d+) of stage dpo\.$/)?.[1]);
      expect(at % 10).toBe(0);
      expect(at).toBeGreaterThanOrEqual(10);

      // And by value: the same recipe trained without a crash records the same losses at the same steps.
      expect((await startPivot(['train', '--workspace', workspace, '--recipe', recipe, '--json'], {}, false, ON_DOUBLE).done).code).toBe(0);
      const byValue = (runId: number) => ws.runs.metrics(runId, 1000).points.map((p) => ({ stage: p.stage, step: p.step, runStep: p.runStep, values: p.values }));
      expect(byValue(1)).toEqual(byValue(2));
    } finally {
      ws.close();
      if (first.child.exitCode === null) first.child.kill('SIGKILL');
    }
  });

  it('refuses a completed run, and a recipe given with --resume', async () => {
    const workspace = tempDir();
    const recipe = testRecipe({ stages: [{ name: 'sft', steps: 2 }], stepMs: 2 });
    // A completed run as the workspace records it (the refusal reads only its status: no need to train one).
    const ws = Workspace.open(workspace);
    ws.runs.create({ recipe, objective: 'sft', backend: 'cpu', data: null, ownerPid: process.pid });
    ws.runs.update(1, { status: 'completed', startedAt: new Date().toISOString(), endedAt: new Date().toISOString() });
    ws.close();
    const done = await startPivot(['train', '--workspace', workspace, '--resume', '1'], {}, false, ON_DOUBLE).done;
    expect(done.code).not.toBe(0);
    expect(done.stderr).toContain('Run 1 has ended (completed); there is nothing to resume.');
    const both = await startPivot(['train', '--workspace', workspace, '--resume', '1', '--recipe', recipe], {}, false, ON_DOUBLE).done;
    expect(both.code).not.toBe(0);
    expect(both.stderr).toContain('--resume 1 trains run 1 on with its own recipe, objective, data, model, backend and name: leave out --recipe.');
    const neither = await startPivot(['train', '--workspace', workspace], {}, false, ON_DOUBLE).done;
    expect(neither.code).not.toBe(0);
    expect(neither.stderr).toContain('Give --recipe <file|name> for a new run, or --resume <run> to train a crashed or cancelled run on.');
  });

  it('stops on SIGTERM like Ctrl+C: exit 130, status cancelled, checkpoint kept', async () => {
    const workspace = tempDir();
    const recipe = testRecipe({ stages: [{ name: 'sft', steps: 2000 }], stepMs: 5 });
    const run = startPivot(['train', '--workspace', workspace, '--recipe', recipe, '--json'], {}, false, ON_DOUBLE);
    const ws = Workspace.open(workspace);
    try {
      await until(() => {
        try {
          return ws.runs.metrics(1, 10).total >= 3;
        } catch {
          return false;
        }
      }, 'the run to take steps');
      run.child.kill('SIGTERM');
      const { code, stdout } = await run.done;
      expect(code).toBe(130);
      const result = JSON.parse(stdout) as { finalCheckpoint: string };
      expect(result).toMatchObject({ runId: 1, status: 'cancelled', cancelled: true });
      expect(existsSync(join(result.finalCheckpoint, 'state.json'))).toBe(true);
      expect(ws.runs.get(1).status).toBe('cancelled');
    } finally {
      ws.close();
      if (run.child.exitCode === null) run.child.kill('SIGKILL');
    }
  });
});
