// What a run asks beyond its recipe, from the New run form: the base model (a built-in preset, a LLaVA folder, or an
// encoder and an LM folder) and the settings of the branch it trains (which parts, per-module learning rates, β).
// The app writes them into the run folder (run-settings.json), so a resumed run trains on with the same ones.
import { z } from 'zod';

export const MODEL_PARTS = ['encoder', 'projector', 'lm'] as const;
export type ModelPart = (typeof MODEL_PARTS)[number];

/** The built-in toy presets by name (the engine's MLLM_PRESETS defines each). */
export const MODEL_PRESETS = ['toy', 'small', 'small-64px', 'small-lm128', 'tiny', 'base'] as const;

const folder = z.string().trim().min(1).max(4000);

export const baseModelSchema = z.union([
  z.object({ preset: z.enum(MODEL_PRESETS) }).strict(),
  /** A LLaVA-style Hugging Face folder (vision tower, projector and LM in one). */
  z.object({ path: folder }).strict(),
  /** A CLIP or SigLIP vision folder and a Qwen2 LM folder, joined by a fresh projector. */
  z.object({ encoder: folder, lm: folder }).strict(),
]);
export type BaseModel = z.output<typeof baseModelSchema>;

const rate = z.number().min(0).max(1);

/** The branch's settings a run replaces; each one left out keeps the recipe's. */
export const branchSettingsSchema = z
  .object({
    trainable: z.array(z.enum(MODEL_PARTS)).min(1).max(MODEL_PARTS.length).optional(),
    lr: rate.positive().optional(),
    encoderLr: rate.optional(),
    projectorLr: rate.optional(),
    lmLr: rate.optional(),
    /** DPO's β. */
    beta: z.number().positive().max(100).optional(),
  })
  .strict();
export type BranchSettings = z.output<typeof branchSettingsSchema>;

export const runSettingsSchema = z.object({ model: baseModelSchema.optional(), branch: branchSettingsSchema.optional() }).strict();
export type RunSettings = z.output<typeof runSettingsSchema>;

/**
 * The paper's settings for a real (not preset) model (PIVOT, PAPER_NOTES): every part trained, the encoder unfrozen,
 * SFT at 5e-6, DPO at 1e-6 with β 0.1 — what the New run form proposes once a Hugging Face model is chosen.
 */
export const PAPER_BRANCH_SETTINGS: Readonly<Record<'sft' | 'dpo', BranchSettings>> = {
  sft: { trainable: ['encoder', 'projector', 'lm'], lr: 5e-6 },
  dpo: { trainable: ['encoder', 'projector', 'lm'], lr: 1e-6, beta: 0.1 },
};
