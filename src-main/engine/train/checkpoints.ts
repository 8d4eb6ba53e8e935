// A run folder's memory: training checkpoints (`checkpoints/<stage>-<step>/`: the MLLM, the optimizer's moments,
// the step and the shuffling position) and `state.json`, which stages are done and where each one stands.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SafetensorsFile, writeSafetensorsAtomic, type TensorSource, type TensorToWrite } from '../io/safetensors';
import { writeFileAtomic } from '../io/atomic-write';
import { loadMllm, saveMllm } from '../models/mllm/checkpoint';
import type { Mllm } from '../models/mllm/model';
import type { AdamW } from './adamw';

export const STATE_FILE = 'state.json';
export const OPTIMIZER_FILE = 'optimizer.safetensors';
export const TRAINER_STATE_FILE = 'trainer_state.json';

/** Where one stage stands. */
export interface StageState {
  status: 'running' | 'done';
  /** Its latest checkpoint, relative to the run folder. */
  checkpoint: string;
  step: number;
  totalSteps: number;
  /** Loss of the last step taken. */
  finalLoss: number;
}

export interface RunState {
  version: 1;
  stages: Record<string, StageState>;
}

/** The trainer's side of a checkpoint: enough to continue exactly where it stopped. */
export interface TrainerState {
  stage: string;
  kind: string;
  /** Optimisation steps done in this stage. */
  step: number;
  totalSteps: number;
  /** Shuffling is a pure function of (seed, epoch): this is the whole random state of the data order. */
  shuffle: { seed: number; epoch: number; stepInEpoch: number };
  /** Updates per optimizer variable (AdamW's bias correction). */
  optimizerSteps: Record<string, number>;
  finalLoss: number;
}

export function readRunState(runDir: string): RunState | null {
  const path = join(runDir, STATE_FILE);
  if (!existsSync(path)) return null;
  const state = JSON.parse(readFileSync(path, 'utf8')) as RunState;
  if (state.version !== 1 || typeof state.stages !== 'object') throw new Error(`${path}: not a run state this version of PIVOT Studio writes`);
  return state;
}

export async function writeRunState(runDir: string, state: RunState): Promise<void> {
  await writeFileAtomic(join(runDir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
}

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
    const state: TrainerState = { ...trainer, optimizerSteps: steps };
    await writeFile(join(tmp, TRAINER_STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
  });
  return relative;
}

/** A checkpoint's model, and, for a training checkpoint, what the trainer needs to resume. */
export async function loadTrainingCheckpoint(runDir: string, relative: string): Promise<{ model: Mllm; trainer: TrainerState | null; optimizer: TensorSource | null }> {
  const dir = join(runDir, relative);
  const model = await loadMllm(dir);
  const statePath = join(dir, TRAINER_STATE_FILE);
  if (!existsSync(statePath)) return { model, trainer: null, optimizer: null };
  const trainer = JSON.parse(readFileSync(statePath, 'utf8')) as TrainerState;
  return { model, trainer, optimizer: SafetensorsFile.open(join(dir, OPTIMIZER_FILE)) };
}
