// The `train` job: one training run (SFT or DPO) of a recipe into its run folder, its events as progress; it stops at
// a step boundary when cancelled, keeping its checkpoint.
import { z } from 'zod';
import { OBJECTIVES } from '../../../src-shared/domain/runs';
import type { RunEvent, TrainOptions, TrainResult } from '../train/api';
import type { JobKind } from './job';

/** What the host needs to train: TrainOptions without the callbacks, which it supplies itself. */
export type TrainJobOptions = Omit<TrainOptions, 'control' | 'onEvent'>;

export const trainJobOptions: z.ZodType<TrainJobOptions> = z.object({
  recipe: z.string().min(1),
  objective: z.enum(OBJECTIVES).optional(),
  runDir: z.string().min(1),
  data: z.string().min(1).optional(),
  backend: z.string().min(1).optional(),
  threads: z.number().int().min(1).max(1024).optional(),
});

export const trainJob: JobKind<TrainJobOptions, RunEvent, TrainResult> = {
  cancel: 'step',
  options: trainJobOptions,
  async run(options, { control, progress }) {
    const { train } = await import('../train');
    return train({ ...options, control, onEvent: progress });
  },
};
