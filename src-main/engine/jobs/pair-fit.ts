// The `pair-fit` job: which of the given pairs a run of the recipe can train on (train/pair-fit.ts), on a host of its
// own because the model's configs and the image decoder belong to the engine, not to main.
import { z } from 'zod';
import { baseModelSchema, branchSettingsSchema } from '../../../src-shared/domain/run-settings';
import { OBJECTIVES } from '../../../src-shared/domain/runs';
import type { PairFitOptions, PairFitReport } from '../train/pair-fit';
import type { JobKind } from './job';

export const pairFitJob: JobKind<PairFitOptions, never, PairFitReport> = {
  cancel: 'kill',
  options: z
    .object({
      recipe: z.string().min(1),
      objective: z.enum(OBJECTIVES).optional(),
      model: baseModelSchema.optional(),
      branch: branchSettingsSchema.optional(),
      backend: z.string().min(1).optional(),
      pairs: z.array(
        z.object({ id: z.number().int().positive(), image: z.string().min(1), question: z.string(), chosen: z.string(), rejected: z.string() }).strict(),
      ),
    })
    .strict(),
  async run(options) {
    const { checkPairFit } = await import('../train/pair-fit');
    return checkPairFit(options);
  },
};
