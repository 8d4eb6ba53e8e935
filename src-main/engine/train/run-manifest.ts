// `recipe.json` in a run folder: the resolved recipe the run was started with. A later `train` in the same
// folder (a resume, or the other branch) must agree with it on everything its checkpoints depend on.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PivotError } from '../../../src-shared/errors';
import { writeFileAtomic } from '../io/atomic-write';
import type { RunState } from './checkpoints';
import type { Recipe, Stage } from './recipe';

export const RUN_RECIPE_FILE = 'recipe.json';

interface RunManifest {
  recipe: string;
  seed: number;
  model: Recipe['model'];
  data: Recipe['data'] & { resolvedFolder: string };
  /** Every stage ever run in this folder, by name. */
  stages: Record<string, Stage>;
}

/**
 * Throws when the folder's checkpoints were made with a different model, data, seed or stage settings than
 * `recipe` asks for now; otherwise records the stages about to run beside the earlier ones.
 */
export async function checkAndRecordRecipe(runDir: string, state: RunState, recipe: Recipe, pipeline: readonly Stage[], dataFolder: string): Promise<void> {
  const path = join(runDir, RUN_RECIPE_FILE);
  const current: RunManifest = {
    recipe: recipe.source,
    seed: recipe.seed,
    model: recipe.model,
    data: { ...recipe.data, resolvedFolder: dataFolder },
    stages: Object.fromEntries(pipeline.map((s) => [s.name, s])),
  };
  const previous = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as RunManifest) : null;
  if (previous && Object.keys(state.stages).length > 0) {
    const differences: string[] = [];
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    if (!same(previous.model, current.model)) differences.push('the model');
    if (!same(previous.data, current.data)) differences.push('the data');
    if (previous.seed !== current.seed) differences.push('the seed');
    for (const stage of pipeline) {
      if (state.stages[stage.name] && previous.stages[stage.name] && !same(previous.stages[stage.name], stage)) differences.push(`stage "${stage.name}"`);
    }
    if (differences.length > 0) {
      throw new PivotError(
        'INVALID_REQUEST',
        `${runDir} holds checkpoints of a run with different settings (${differences.join(', ')} differ from ${recipe.source}). ` +
          'Use a new run folder, or the recipe this run was started with.',
      );
    }
  }
  const merged: RunManifest = { ...current, stages: { ...(previous?.stages ?? {}), ...current.stages } };
  await writeFileAtomic(path, `${JSON.stringify(merged, null, 2)}\n`);
}
