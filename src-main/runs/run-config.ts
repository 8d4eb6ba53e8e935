// A run's full configuration as its folder records it, for the window's configuration panel: the resolved recipe the
// engine wrote (recipe.json) and what main last launched its engine host with (launch.json, written here).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PivotError } from '../../src-shared/errors';
import type { RunConfig, RunInfo, RunLaunch } from '../../src-shared/domain/runs';
import type { TrainJobOptions } from '../engine/jobs/train';

/** The engine's manifest of the run (src-main/engine/run-folder/manifest.ts), read here as plain JSON. */
const RECIPE_FILE = 'recipe.json';
const LAUNCH_FILE = 'launch.json';

/** Records what the run's engine host is launched with (each start and resume; the last one is kept). */
export function writeRunLaunch(options: TrainJobOptions, launchedAt: string): void {
  const { runDir: _runDir, ...asked } = options;
  const launch: RunLaunch = { ...asked, launchedAt };
  writeFileSync(join(options.runDir, LAUNCH_FILE), `${JSON.stringify(launch, null, 2)}\n`);
}

export function runConfig(run: RunInfo): RunConfig {
  return {
    runId: run.id,
    recipe: readJson<Record<string, unknown>>(run, RECIPE_FILE),
    launch: readJson<RunLaunch>(run, LAUNCH_FILE),
  };
}

/** A JSON file of the run folder, or null when it is not (yet) there. */
function readJson<T>(run: RunInfo, name: string): T | null {
  const path = join(run.runDir, name);
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (err) {
    throw new PivotError('FILE_UNREADABLE', `Run ${run.id}'s ${path} could not be read as JSON (${(err as Error).message}): the run folder may have been edited by hand.`, {
      id: run.id,
      path,
    });
  }
}
