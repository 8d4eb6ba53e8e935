// Training checkpoints of a run folder (`checkpoints/<stage>-<step>/`): the MLLM, the optimizer's moments, and the
// trainer state (the step and the shuffling position), saved and loaded as one.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SafetensorsFile, writeSafetensorsAtomic, type TensorSource, type TensorToWrite } from '../io/safetensors';
import { loadMllm, saveMllm } from '../models/mllm/checkpoint';
import type { Mllm } from '../models/mllm/model';
import type { AdamW } from './adamw';
import { readTrainerState, writeTrainerState, type TrainerState } from '../run-folder/trainer-state';

export const OPTIMIZER_FILE = 'optimizer.safetensors';

/** `checkpoints/<stage>-<step>`, relative to the run folder. */
export function checkpointPath(stage: string, step: number): string {
  return join('checkpoints', `${stage}-${step}`);
}

/**
 * Writes model, optimizer state and trainer state into one folder that appears whole or not at all. `trainerFiles`
 * (file name → tensors) are the trainer's own weights outside the MLLM, such as a labels stage's head.
 */
export async function saveTrainingCheckpoint(
  runDir: string, model: Mllm, optimizer: AdamW, trainer: Omit<TrainerState, 'optimizerSteps'>, trainerFiles: Record<string, Record<string, TensorToWrite>> = {},
): Promise<string> {
  const relative = checkpointPath(trainer.stage, trainer.step);
  await mkdir(join(runDir, 'checkpoints'), { recursive: true });
  const { tensors, steps } = await optimizer.state();
  await saveMllm(model, join(runDir, relative), async (tmp) => {
    await writeSafetensorsAtomic(join(tmp, OPTIMIZER_FILE), tensors);
    for (const [file, fileTensors] of Object.entries(trainerFiles)) await writeSafetensorsAtomic(join(tmp, file), fileTensors);
    await writeTrainerState(tmp, { ...trainer, optimizerSteps: steps });
  });
  return relative;
}

/** A checkpoint's model, and, for a training checkpoint, what the trainer needs to resume. */
export async function loadTrainingCheckpoint(runDir: string, relative: string): Promise<{ model: Mllm; trainer: TrainerState | null; optimizer: TensorSource | null }> {
  const dir = join(runDir, relative);
  const model = await loadMllm(dir);
  const trainer = readTrainerState(dir);
  if (!trainer) return { model, trainer: null, optimizer: null };
  return { model, trainer, optimizer: SafetensorsFile.open(join(dir, OPTIMIZER_FILE)) };
}
