// The study's first phase: the recipe's shared stages once, then its sft and dpo branches from the last shared
// checkpoint, in one run folder; and the three encoders to compare (original = the base MLLM's, SFT, DPO).
import { join } from 'node:path';
import { PivotError } from '../../../src-shared/errors';
import type { EncoderSource } from '../../../src-shared/domain/study-report';
import { train, type Objective, type RunEvent, type TrainResult } from '../train';
import type { Lap } from './phase-timer';
import type { Column } from './report-json';

export interface TrainedBranches {
  /** The base MLLM's stage: the last one before the branches, where both start. */
  baseStage: string;
  checkpoints: Record<Column, string>;
  encoders: Record<Column, EncoderSource>;
}

function checkpointOf(result: TrainResult, stage: string): string {
  const s = result.stages.find((x) => x.name === stage);
  if (!s || s.checkpoint === '') throw new PivotError('INVALID_CONFIG', `the ${result.objective} run has no checkpoint of stage ${stage}`, { objective: result.objective, stage });
  return s.checkpoint;
}

/** Trains both branches (each reusing the shared stages) and names the checkpoints the study measures. */
export async function trainBranches(
  run: { recipe: string; runDir: string; backend: string; data?: string; lap: Lap; say: (message: string) => void; onEvent: (objective: Objective, event: RunEvent) => void;
    onTrained: (objective: Objective, result: TrainResult) => void },
): Promise<TrainedBranches> {
  const trained = {} as Record<Objective, TrainResult>;
  for (const objective of ['sft', 'dpo'] as const) {
    run.say(`Training the ${objective} branch of ${run.recipe} in ${run.runDir}`);
    trained[objective] = await run.lap(`train ${objective}`, () =>
      train({ recipe: run.recipe, objective, runDir: run.runDir, backend: run.backend, ...(run.data ? { data: run.data } : {}), onEvent: (event) => run.onEvent(objective, event) }));
    run.onTrained(objective, trained[objective]);
    if (trained[objective].cancelled) throw new Error(`training the ${objective} branch was cancelled`);
  }
  const sftStages = trained.sft.stages;
  const baseStage = sftStages[sftStages.length - 2];
  if (!baseStage) {
    throw new PivotError('INVALID_CONFIG', `${run.recipe}: the pipeline has no stage before the post-training branch, so there is no base MLLM to compare with`, { recipe: run.recipe });
  }
  const baseCheckpoint = checkpointOf(trained.sft, baseStage.name);
  if (checkpointOf(trained.dpo, baseStage.name) !== baseCheckpoint) {
    throw new PivotError('INVALID_CONFIG', `the sft and dpo branches start from different ${baseStage.name} checkpoints`, { recipe: run.recipe, stage: baseStage.name });
  }
  const checkpoints: Record<Column, string> = { original: baseCheckpoint, sft: trained.sft.finalCheckpoint, dpo: trained.dpo.finalCheckpoint };
  const encoders: Record<Column, EncoderSource> = {
    original: { column: 'original', stage: baseStage.name, checkpoint: baseCheckpoint, encoder: join(baseCheckpoint, 'encoder'),
      note: `the encoder of the base MLLM: the "${baseStage.name}" stage's checkpoint, the one both post-training branches start from (not an untrained tower)` },
    sft: { column: 'sft', stage: 'sft', checkpoint: checkpoints.sft, encoder: join(checkpoints.sft, 'encoder'), note: 'the encoder after the SFT branch' },
    dpo: { column: 'dpo', stage: 'dpo', checkpoint: checkpoints.dpo, encoder: join(checkpoints.dpo, 'encoder'), note: 'the encoder after the DPO branch' },
  };
  return { baseStage: baseStage.name, checkpoints, encoders };
}
