// What each kind of stage adds to a recipe's stage beyond the fields every stage has: its own fields (the kind's
// member of the stage schema in train/recipe-schema.ts), what a recipe setting one elsewhere is told, and the rules
// its settings follow. Kept apart from the objectives' losses so that reading a recipe loads no TensorFlow.js.
import { z } from 'zod';
import type { MllmPart } from '../models/mllm/parts';
import type { StageKind } from './kinds';

/** Per kind: the fields its stages take (`stage`), and those only its post-training branch takes (`branch`). */
export const KIND_FIELDS = {
  labels: { stage: {}, branch: {} },
  caption: { stage: {}, branch: {} },
  instruct: { stage: {}, branch: {} },
  sft: { stage: {}, branch: {} },
  dpo: {
    stage: {
      /** DPO's β. Default 0.1. */
      beta: z.number().positive().optional(),
    },
    branch: {
      /**
       * Where the rejected answers come from. `scripted` (default): the dataset's. `model`: when the branch starts,
       * the base checkpoint ranks each Shapes question's closed answer set and its most likely wrong answer becomes
       * the rejected one (TOY_STUDY.md, MMPR), written to <runDir>/model-rejections/<branch>/pairs.jsonl.
       */
      rejections: z.enum(['scripted', 'model']).optional(),
    },
  },
} as const satisfies { [K in StageKind]: { stage: z.ZodRawShape; branch: z.ZodRawShape } };

/** What a recipe that sets a kind's own field on a stage of another `kind` is told, by field. */
const MISPLACED: Record<string, (kind: StageKind) => string> = {
  beta: () => 'applies to dpo stages only.',
  rejections: (kind) => `applies to the dpo branch only: ${kind} trains on the chosen answers alone, so there is no rejected answer to replace; remove it.`,
};

/** The message for `field` set on a stage of `kind` that does not take it; undefined for a field no kind takes. */
export function misplacedField(field: string, kind: StageKind): string | undefined {
  return MISPLACED[field]?.(kind);
}

/** Rules over a stage's settings that its fields' types cannot say, by kind; each returns what is wrong. */
export const KIND_CHECKS: Partial<Record<StageKind, (stage: { trainable: readonly MllmPart[] }, at: string) => string | undefined>> = {
  labels: (stage, at) =>
    stage.trainable.some((part) => part !== 'encoder')
      ? `"${at}.trainable" is [${stage.trainable.join(', ')}] but a labels stage trains the encoder alone (its loss goes ` +
        'through a head of its own, never through the projector or the LM); set "trainable: [encoder]".'
      : undefined,
};
