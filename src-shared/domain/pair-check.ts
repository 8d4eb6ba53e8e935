// The pair check of a run or study before it starts (issue 12, bug 9): how many pairs the data selects, how many the
// chosen model can train on (its tokenizer, its context with the image expanded, its image decoder), and which not.
import { z } from 'zod';
import { ENGINE_BACKENDS, OBJECTIVES, runDataSchema } from './runs';
import { baseModelSchema, branchSettingsSchema } from './run-settings';

/** Why a pair cannot be trained on. */
export const UNUSABLE_REASONS = ['too-long', 'unknown-words', 'image-unreadable', 'invalid'] as const;
export type UnusableReason = (typeof UNUSABLE_REASONS)[number];

export const UNUSABLE_REASON_LABELS: Readonly<Record<UnusableReason, string>> = {
  'too-long': 'too long',
  'unknown-words': 'unknown words',
  'image-unreadable': 'image unreadable',
  invalid: 'malformed',
};

/** The tag the window offers to mark unusable pairs with in the workspace. */
export const UNUSABLE_TAG = 'unusable';

/** What `runs:check` is asked: the recipe, objective and workspace pairs a run would get. */
export const pairCheckRequestSchema = z
  .object({
    recipe: z.string().trim().min(1).max(1000),
    objective: z.enum(OBJECTIVES).optional(),
    data: runDataSchema.options[1],
    /** The base model and branch settings instead of the recipe's (the estimate follows the trained parts). */
    model: baseModelSchema.optional(),
    branch: branchSettingsSchema.optional(),
    /** The backend whose memory the estimate is compared with (default native: this machine's RAM). */
    backend: z.enum(ENGINE_BACKENDS).optional(),
  })
  .strict();
export type PairCheckRequest = z.input<typeof pairCheckRequestSchema>;
export type ParsedPairCheckRequest = z.output<typeof pairCheckRequestSchema>;

export interface UnusablePair {
  id: number;
  dataset: string;
  reason: UnusableReason;
  message: string;
  /** For `too-long`: positions over the model's context. */
  tokensOver?: number;
}

/** The model the pairs were checked against, read from its configs. */
export interface CheckedModel {
  name: string;
  tokenizer: string;
  maxLength: number;
  imageTokenCount: number;
  parameters: { encoder: number; projector: number; lm: number };
  /** Bytes one training step of the branch needs, by term, and what the backend has. */
  memory: { weights: number; gradients: number; optimizerState: number; activations: number; total: number; available: { bytes: number; source: string } };
}

export interface PairCheck {
  model: CheckedModel;
  /** Pairs the filter selects, the excluded ones included. */
  selected: number;
  excluded: number;
  /** Selected, not excluded and trainable. */
  usable: number;
  unusable: UnusablePair[];
}

/** "too long by 40 tokens", "unknown words", …: a pair's reason as the form and errors say it. */
export function describeUnusable(pair: Pick<UnusablePair, 'reason' | 'tokensOver'>): string {
  return pair.reason === 'too-long' && pair.tokensOver !== undefined ? `too long by ${pair.tokensOver} tokens` : UNUSABLE_REASON_LABELS[pair.reason];
}
