// `trainer_state.json` in a training checkpoint: the trainer's side of it, enough to continue exactly where it stopped.
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeJsonFile } from './json-file';

export const TRAINER_STATE_FILE = 'trainer_state.json';

const trainerStateSchema = z.object({
  stage: z.string(),
  kind: z.string(),
  /** Optimisation steps done in this stage. */
  step: z.number().int().min(0),
  totalSteps: z.number().int().min(0),
  /** Shuffling is a pure function of (seed, epoch): this is the whole random state of the data order. */
  shuffle: z.object({ seed: z.number(), epoch: z.number().int().min(0), stepInEpoch: z.number().int().min(0) }),
  /** Updates per optimizer variable (AdamW's bias correction). */
  optimizerSteps: z.record(z.string(), z.number().int().min(0)),
  finalLoss: z.number(),
});

export type TrainerState = z.output<typeof trainerStateSchema>;

/** The trainer state of a checkpoint folder, or null for a checkpoint saved outside training. */
export function readTrainerState(checkpointDir: string): TrainerState | null {
  return readJsonFile(join(checkpointDir, TRAINER_STATE_FILE), trainerStateSchema);
}

export async function writeTrainerState(checkpointDir: string, state: TrainerState): Promise<void> {
  await writeJsonFile(join(checkpointDir, TRAINER_STATE_FILE), trainerStateSchema, state, 2);
}
