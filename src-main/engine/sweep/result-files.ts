// The zod schemas of a sweep's own files — points/<name>.json and base.json — and the types they give, so a re-run
// reads back exactly what it wrote (non-finite numbers, written as null, come back as NaN) or says which field of
// which file is wrong, instead of trusting a cast.
import { z } from 'zod';
import { SWEEP_METRICS } from './measure';

/** JSON has no NaN: jsonText writes a non-finite number as null, and it reads back as NaN. */
const number = z.number().nullable().transform((n) => n ?? Number.NaN);

const measuredSchema = z.object({
  value: number,
  std: number,
  over: z.enum(['probe seeds', 'pairs', 'questions']),
  values: z.array(number),
  chance: z.number().nullable(),
  ceiling: z.number().nullable(),
  protocol: z.string(),
  /** Items in one test split (the first probe seed's images, or the questions) and the probe's training items. */
  testSize: z.number().int().optional(),
  trainSize: z.number().int().nullable().optional(),
});

/** One encoder's number for one metric: the mean over probe seeds (or Grad-CAM pairs), their std and values. */
export type Measured = z.output<typeof measuredSchema>;

const measurementsSchema = z.partialRecord(z.enum(SWEEP_METRICS), measuredSchema);
export type Measurements = z.output<typeof measurementsSchema>;

const measuredWithSchema = z.object({
  probeSeeds: z.array(z.number().int()),
  focusSamples: z.number().int().nullable(),
  /** The probes' images: the world's first this many (absent in results from before there was a limit: all). */
  probeImages: z.number().int().optional(),
  /** QA accuracy measured too (results from before it was are measured again). */
  qa: z.boolean(),
});

/** What a measurement was made with: a result made otherwise is measured again (the checkpoint is kept). */
export type MeasuredWith = z.output<typeof measuredWithSchema>;

/** Whether a result was measured as asked now: field by field, whatever else the result holds and in whatever order. */
export function measuredAlike(earlier: MeasuredWith, now: MeasuredWith): boolean {
  return (
    earlier.probeSeeds.length === now.probeSeeds.length && earlier.probeSeeds.every((s, i) => s === now.probeSeeds[i]) &&
    earlier.focusSamples === now.focusSamples && earlier.probeImages === now.probeImages && earlier.qa === now.qa
  );
}

const trainingOutcomeSchema = z.object({
  steps: z.number().int(),
  /** Loss of the last step. */
  finalLoss: number,
  /** The last 10 % of the steps (at least one): one step's batch is too few pairs to read an accuracy from. */
  tailSteps: z.number().int(),
  tailLoss: number,
  /** DPO only: the share of pairs whose chosen answer out-rewarded the rejected one, over the tail. */
  tailDpoAccuracy: number.optional(),
  /** Training time of the stage's last process (a resumed stage's earlier part is not in it). */
  elapsedMs: number,
});

/** How a branch's training ended, from metrics.jsonl. */
export type TrainingOutcome = z.output<typeof trainingOutcomeSchema>;

/**
 * points/<name>.json as read back. The point and the stage are checked by the reader against the ones asked for
 * now (the point's name encodes its setting and seed), so they are kept as written here.
 */
export const pointFileSchema = z.object({
  point: z.unknown(),
  stage: z.unknown(),
  recipeFile: z.string(),
  checkpoint: z.string(),
  metrics: measurementsSchema,
  measuredWith: measuredWithSchema,
  training: trainingOutcomeSchema,
  durationsMs: z.object({ train: z.number(), measure: z.number() }),
});

/** base.json: the base encoder (the last shared stage's), measured once per measurement settings. */
export const baseResultSchema = measuredWithSchema.extend({
  stage: z.string(),
  checkpoint: z.string(),
  metrics: measurementsSchema,
  focus: z.object({ sftLoss: measuredSchema, dpoLoss: measuredSchema }).optional(),
});
export type BaseResult = z.output<typeof baseResultSchema>;
