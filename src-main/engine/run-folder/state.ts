// `state.json`, the run folder's index of checkpoints: which stages are done and where each one stands.
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeJsonFile } from './json-file';

export const STATE_FILE = 'state.json';

const stageStateSchema = z.object({
  status: z.enum(['running', 'done']),
  /** Its latest checkpoint, relative to the run folder. */
  checkpoint: z.string(),
  step: z.number().int().min(0),
  totalSteps: z.number().int().min(0),
  /** Loss of the last step taken. */
  finalLoss: z.number(),
});

const runStateSchema = z.object({
  version: z.literal(1),
  stages: z.record(z.string(), stageStateSchema),
});

/** Where one stage stands. */
export type StageState = z.output<typeof stageStateSchema>;
export type RunState = z.output<typeof runStateSchema>;

/** The run's state, or null for a folder no stage has run in yet. */
export function readRunState(runDir: string): RunState | null {
  return readJsonFile(join(runDir, STATE_FILE), runStateSchema);
}

export async function writeRunState(runDir: string, state: RunState): Promise<void> {
  await writeJsonFile(join(runDir, STATE_FILE), runStateSchema, state, 2);
}
