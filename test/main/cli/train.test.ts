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
