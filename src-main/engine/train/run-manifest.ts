// A later `train` in a run folder (a resume, or the other branch) must agree with the folder's manifest
// (`recipe.json`) on everything its checkpoints depend on; it then records its stages there.
import { join } from 'node:path';
import { PivotError } from '../../../src-shared/errors';
import type { Recipe, Stage } from './recipe';
import { readRunManifest, RUN_RECIPE_FILE, writeRunManifest, type RecordedData } from '../run-folder/manifest';
import { checkPairFileUnchanged } from '../run-folder/workspace-pairs';
import type { RunState } from '../run-folder/state';

/**
 * Throws when the folder's checkpoints were made with a different model, data, seed or stage settings than
 * `recipe` asks for now, or on workspace pairs whose file changed since; otherwise records the stages about to run
 * beside the earlier ones. `warn` hears of a run recorded before its data was (see `recordedBeforeWorkspacePairs`).
 */
export async function checkAndRecordRecipe(
  runDir: string,
  state: RunState,
  recipe: Recipe,
  pipeline: readonly Stage[],
  data: RecordedData,
  warn: (message: string) => void,
): Promise<void> {
  const current = {
    recipe: recipe.source,
    seed: recipe.seed,
    model: recipe.model,
    data,
    stages: Object.fromEntries(pipeline.map((s) => [s.name, s])),
  };
  const previous = readRunManifest(runDir);
  if (previous && Object.keys(state.stages).length > 0) {
    const differences: string[] = [];
    const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);
    if (!same(previous.model, current.model)) differences.push('the model');
    if (previous.data.workspacePairs) checkPairFileUnchanged(previous.data.resolvedFolder, previous.data.workspacePairs, join(runDir, RUN_RECIPE_FILE));
    if (recordedBeforeWorkspacePairs(previous.data, data)) {
      warn(
        `${join(runDir, RUN_RECIPE_FILE)} was written before runs recorded the pairs they train on, so what ${data.resolvedFolder} ` +
          'held then is unknown: the run resumes on the folder as it is now, and records it from here on.',
      );
    } else if (!same(previous.data, current.data)) differences.push('the data');
    if (previous.seed !== current.seed) differences.push('the seed');
    // Activation checkpointing changes the memory a step needs, not its results: a resume may turn it on or off.
    const results = (stage: object | undefined) => ({ ...stage, activationCheckpointing: undefined });
    for (const stage of pipeline) {
      if (state.stages[stage.name] && previous.stages[stage.name] && !same(results(previous.stages[stage.name]), results(stage))) differences.push(`stage "${stage.name}"`);
    }
    if (differences.length > 0) {
      throw new PivotError(
        'INVALID_CONFIG',
        `${runDir} holds checkpoints of a run with different settings (${differences.join(', ')} differ from ${recipe.source}). ` +
          'Use a new run folder, or the recipe this run was started with.',
        { file: recipe.source },
      );
    }
  }
  await writeRunManifest(runDir, { ...current, stages: { ...(previous?.stages ?? {}), ...current.stages } });
}

/**
 * Whether `previous` is the record of a run given a data folder, written before runs recorded the folder they were
 * given (they recorded the recipe's own data beside it, and no workspace-pairs.json): the same folder with the same
 * settings. Resuming it is as safe as it was before: main exports a run's pairs once, into the run's own folder.
 */
function recordedBeforeWorkspacePairs(previous: RecordedData, current: RecordedData): boolean {
  const given = current.folder === current.resolvedFolder && current.workspacePairs === undefined;
  const oldStyle = previous.folder !== previous.resolvedFolder && previous.workspacePairs === undefined;
  const sameFolder = previous.resolvedFolder === current.resolvedFolder && previous.includeTestSplit === current.includeTestSplit && previous.maxLength === current.maxLength;
  return given && oldStyle && sameFolder;
}

/** JSON with every object's keys sorted: the manifest's reader may list a field first that the recipe lists last. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}
