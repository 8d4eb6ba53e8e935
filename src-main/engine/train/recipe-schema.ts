// The recipe file's schema: the model, the data, the shared stages (align → instruct in the paper) and the
// branch (sft or dpo) that follows them from the same checkpoint. Strict: an unknown field is an error. A stage is
// one member per kind: the fields every stage has, and its kind's own (objectives/recipe-fields.ts).
import { z } from 'zod';
import { MLLM_PARTS } from '../models/mllm/parts';
import { MLLM_PRESET_NAMES } from '../models/mllm/presets';
import type { StageKind } from '../objectives/kinds';
import { KIND_FIELDS } from '../objectives/recipe-fields';

/**
 * Upper bounds no real run comes near: past them a value is a typo, refused before it becomes a run that would take
 * centuries (maxSteps 1e12) or a batch no memory holds. zod's numbers are finite already (YAML's .inf is refused).
 */
const MAX_STEPS = 10_000_000;
const MAX_EPOCHS = 10_000;
const MAX_BATCH_SIZE = 65_536;
const MAX_GRAD_ACCUM = 65_536;
const MAX_SHAPES_IMAGES = 1_000_000;
const MAX_SEQUENCE_LENGTH = 1_048_576;

// "." is allowed so that a sweep's stage names can carry their settings (`dpo-lr3e-5-b0.1-e3-s1`).
const stageName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a stage name is letters, digits, ".", "-" and "_"');

/** What every stage sets; the defaults are the paper's (warm-up 3 %, no weight decay) and transformers' (clip 1.0). */
const stageFields = {
  /** Which parts get gradients; the others stay bit-identical. */
  trainable: z.array(z.enum(MLLM_PARTS)).min(1),
  /** Peak learning rate of every trainable part whose own LR (encoderLr, projectorLr, lmLr) is not set. */
  lr: z.number().positive(),
  /** The encoder's own peak learning rate (the paper: 2e-6 under 1e-5). 0 keeps it bit-identical while trainable. */
  encoderLr: z.number().min(0).optional(),
  /** The projector's own peak learning rate. Default lr. */
  projectorLr: z.number().min(0).optional(),
  /** The LM's own peak learning rate. Default lr. */
  lmLr: z.number().min(0).optional(),
  /** Passes over the stage's data (fractions allowed); ignored when maxSteps is set. Default 1. */
  epochs: z.number().positive().max(MAX_EPOCHS).optional(),
  /** Exactly this many optimisation steps. */
  maxSteps: z.number().int().positive().max(MAX_STEPS).optional(),
  /** Items per forward pass (DPO: pairs, so 2 × batchSize rows). Default 8. */
  batchSize: z.number().int().positive().max(MAX_BATCH_SIZE).default(8),
  /** Forward passes per optimisation step. Default 1. */
  gradAccum: z.number().int().positive().max(MAX_GRAD_ACCUM).default(1),
  /**
   * Recompute each transformer block in the backward pass instead of keeping its activations: much less memory for
   * about one more forward pass per step; the same gradients. Default false.
   */
  activationCheckpointing: z.boolean().default(false),
  warmupRatio: z.number().min(0).max(1).default(0.03),
  weightDecay: z.number().min(0).default(0),
  /** Global gradient-norm limit; `null` turns clipping off. Default 1.0. */
  clipNorm: z.number().positive().nullable().default(1),
  /** Also checkpoint every this many steps (0: only at the end of the stage). Default 0. */
  checkpointEvery: z.number().int().min(0).max(MAX_STEPS).default(0),
  /** The part of the dataset's images this stage uses, as fractions in file order (keeps stages' data apart). */
  subset: z.strictObject({ from: z.number().min(0).max(1), to: z.number().min(0).max(1) }).optional(),
};

/** A shared stage of `kind`: every stage's fields and the kind's own. */
const stageOf = <K extends StageKind>(kind: K) => z.strictObject({ name: stageName, kind: z.literal(kind), ...stageFields, ...KIND_FIELDS[kind].stage });
export const stageSchema = z.discriminatedUnion('kind', [stageOf('labels'), stageOf('caption'), stageOf('instruct'), stageOf('sft'), stageOf('dpo')]);

/** The branch of `kind` (sft or dpo): its name defaults to the kind. */
const branchOf = <K extends 'sft' | 'dpo'>(kind: K) =>
  z.strictObject({
    name: stageName.optional(),
    /** Seeds this branch's shuffling only (not the model nor the shared stages): what a sweep's seeds vary. */
    seed: z.number().int().min(0).optional(),
    /** Probe-as-you-train: the encoder's linear (and segmentation) probe every this many steps, logged beside the loss. */
    probeEvery: z.number().int().min(0).max(MAX_STEPS).optional(),
    ...stageFields,
    ...KIND_FIELDS[kind].stage,
    ...KIND_FIELDS[kind].branch,
  });
export const branchSchemas = { sft: branchOf('sft'), dpo: branchOf('dpo') };

const sweepValues = <T extends z.ZodType>(value: T) => z.array(value).min(1);
/**
 * A grid of branch settings, every combination trained from the same base checkpoint: the branch's LR per objective
 * (DPO's is far below SFT's, so one shared list would be wrong), DPO's β, the training length, the branch seeds.
 * An axis left out keeps the branch's own value.
 */
export const sweepSchema = z.strictObject({
  /** Which branches to sweep. Default both. */
  objectives: z.array(z.enum(['sft', 'dpo'])).min(1).default(['sft', 'dpo']),
  lr: z.strictObject({ sft: sweepValues(z.number().positive()).optional(), dpo: sweepValues(z.number().positive()).optional() }).optional(),
  beta: sweepValues(z.number().positive()).optional(),
  epochs: sweepValues(z.number().positive().max(MAX_EPOCHS)).optional(),
  maxSteps: sweepValues(z.number().int().positive().max(MAX_STEPS)).optional(),
  /** Where DPO's rejected answers come from (see the dpo branch's `rejections`): both kinds share the SFT points. */
  rejections: sweepValues(z.enum(['scripted', 'model'])).optional(),
  /** Branch seeds (see the branch's `seed`). Default [0]. */
  seeds: sweepValues(z.number().int().min(0)).default([0]),
});

export const recipeSchema = z.strictObject({
  name: z.string().optional(),
  description: z.string().optional(),
  /** Seeds the model's initialisation and every stage's shuffling. Default 0. */
  seed: z.number().int().min(0).default(0),
  /** The branch `train` runs when none is asked for. */
  objective: z.enum(['sft', 'dpo']).default('dpo'),
  model: z.strictObject({
    /** Exactly one of: a built-in toy size; `path`, a Hugging Face LLaVA folder; `encoder` + `lm`, Hugging Face folders. */
    preset: z.enum(MLLM_PRESET_NAMES).optional(),
    path: z.string().optional(),
    encoder: z.string().optional(),
    lm: z.string().optional(),
    /** Folder with tokenizer.json: default the LM folder (pretrained) or the dataset folder (preset); a LLaVA folder uses its own. */
    tokenizer: z.string().optional(),
    /** LLaVA's vision_feature_layer. Default −2, or the LLaVA folder's. */
    featureLayer: z.number().int().optional(),
  }),
  data: z.strictObject({
    /** A dataset folder (pairs.jsonl, captions.jsonl, images), relative to the recipe file. */
    folder: z.string().optional(),
    /** Or a Shapes world made for the run (in <runDir>/data) when no folder is given. */
    shapes: z
      .strictObject({
        count: z.number().int().positive().max(MAX_SHAPES_IMAGES),
        seed: z.number().int().min(0).default(0),
        size: z.number().int().min(32).max(512).default(64),
        difficulty: z.string().optional(),
      })
      .optional(),
    /** Train on records marked `split: test` too. Default false: they are kept for evaluation. */
    includeTestSplit: z.boolean().default(false),
    /** Longest sequence, image expanded; default the LM's max_position_embeddings. */
    maxLength: z.number().int().positive().max(MAX_SEQUENCE_LENGTH).optional(),
  }),
  /** Shared stages, run in order; their checkpoints are reused by every branch. */
  stages: z.array(stageSchema),
  /** The post-training branch, one per objective; each starts from the last shared stage's checkpoint. */
  branches: z.strictObject({ sft: branchSchemas.sft.optional(), dpo: branchSchemas.dpo.optional() }),
  /** A grid over the branches' settings, for `pivot sweep`; `pivot train` ignores it. */
  sweep: sweepSchema.optional(),
});

export type RecipeInput = z.input<typeof recipeSchema>;
export type ParsedRecipe = z.output<typeof recipeSchema>;
export type ParsedStage = z.output<typeof stageSchema>;
export type ParsedBranch = z.output<(typeof branchSchemas)['sft' | 'dpo']>;
export type ParsedSweep = z.output<typeof sweepSchema>;
