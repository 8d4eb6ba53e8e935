// `<run folder>/run-settings.json`: what a run asked beyond its recipe (base model, branch settings; see
// src-shared/domain/run-settings.ts). Written by main when it records a run from the New run form, read by the engine
// each time the run trains, so a resumed run keeps them.
import { join } from 'node:path';
import { MODEL_PARTS, runSettingsSchema, type RunSettings } from '../../../src-shared/domain/run-settings';
import { MLLM_PARTS } from '../models/mllm/parts';
import { readJsonFile, writeJsonFile } from './json-file';

export const RUN_SETTINGS_FILE = 'run-settings.json';

// The window's list of parts must be the engine's (the preset names are one list, in src-shared).
const same = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
if (!same(MODEL_PARTS, MLLM_PARTS)) throw new Error('src-shared/domain/run-settings.ts lists other parts than the engine');

/** The run's settings, or null for a run that asked nothing beyond its recipe. */
export function readRunSettings(runDir: string): RunSettings | null {
  return readJsonFile(join(runDir, RUN_SETTINGS_FILE), runSettingsSchema);
}

export async function writeRunSettings(runDir: string, settings: RunSettings): Promise<void> {
  await writeJsonFile(join(runDir, RUN_SETTINGS_FILE), runSettingsSchema, settings, 2);
}
