// The study's hyper-parameters as the exported TRL project trains with them: read from the recipe's sft and dpo
// branches (or the paper's values for a real model when no recipe is given), and written as settings.py, the one
// file the project's scripts read them from.
import type { Recipe, Stage } from '../../../engine/train/recipe';

/** One branch's settings: the recipe's names, each mapped onto a TRL / transformers TrainingArguments field. */
export interface BranchSettings {
  /** Peak LR of the LM (TrainingArguments.learning_rate). */
  lmLr: number;
  /** Peak LR of the multi-modal projector (the recipe's `lr`, which covers projector and LM). */
  projectorLr: number;
  /** Peak LR of the vision tower (the recipe's `encoderLr`). */
  encoderLr: number;
  /** Which parts train; the scripts freeze the others (requires_grad False), never the vision tower by default. */
  trainable: Array<'encoder' | 'projector' | 'lm'>;
  epochs: number;
  /** Per device: TRL's per_device_train_batch_size (DPO: pairs, as in PIVOT). */
  batchSize: number;
  gradAccum: number;
  warmupRatio: number;
  weightDecay: number;
  /** max_grad_norm; 0 turns clipping off in transformers. */
  clipNorm: number;
  /** DPO's β (not written for SFT). */
  beta: number;
  seed: number;
}

export interface ProjectSettings {
  /** The base LLaVA model: a folder (absolute) or a Hugging Face Hub id, as given. */
  baseModel: string;
  /** Longest sequence, image tokens included; null: the model's own limit. */
  maxLength: number | null;
  /** Where the settings came from, for the README and settings.py's heading. */
  recipe: string;
  sft: BranchSettings;
  dpo: BranchSettings;
}

/**
 * The paper's post-training values for a real model (issue 11: β 0.1, DPO LR 1e-6, SFT LR 5e-6, encoder unfrozen
 * at the same LR), its warm-up 3 % and no weight decay; one epoch and an effective batch of 16 per GPU are starting
 * points, to be set in settings.py for the cluster at hand.
 */
const PAPER_BRANCH = { epochs: 1, batchSize: 1, gradAccum: 16, warmupRatio: 0.03, weightDecay: 0, clipNorm: 1, beta: 0.1, seed: 0 } as const;
export const PAPER_SETTINGS: Pick<ProjectSettings, 'sft' | 'dpo'> = {
  sft: { ...PAPER_BRANCH, lmLr: 5e-6, projectorLr: 5e-6, encoderLr: 5e-6, trainable: ['encoder', 'projector', 'lm'] },
  dpo: { ...PAPER_BRANCH, lmLr: 1e-6, projectorLr: 1e-6, encoderLr: 1e-6, trainable: ['encoder', 'projector', 'lm'] },
};

/** The project's settings: the recipe's branches when one is given (a branch it lacks keeps the paper's values). */
export function projectSettings(baseModel: string, recipe: Recipe | null): ProjectSettings {
  if (!recipe) return { baseModel, maxLength: null, recipe: 'the paper\'s values (no --recipe given)', ...PAPER_SETTINGS };
  const branch = (objective: 'sft' | 'dpo'): BranchSettings => {
    const stage = recipe.branches[objective];
    return stage ? fromStage(stage, recipe.seed) : PAPER_SETTINGS[objective];
  };
  return { baseModel, maxLength: recipe.data.maxLength ?? null, recipe: recipe.source, sft: branch('sft'), dpo: branch('dpo') };
}

function fromStage(stage: Stage, recipeSeed: number): BranchSettings {
  return {
    lmLr: stage.lr,
    projectorLr: stage.lr,
    encoderLr: stage.encoderLr,
    trainable: [...stage.trainable],
    epochs: stage.epochs,
    batchSize: stage.batchSize,
    gradAccum: stage.gradAccum,
    warmupRatio: stage.warmupRatio,
    weightDecay: stage.weightDecay,
    clipNorm: stage.clipNorm ?? 0,
    beta: stage.beta,
    seed: stage.seed ?? recipeSeed,
  };
}

/** settings.py: the settings as Python literals (JSON's numbers and strings are Python's too). */
export function settingsPy(settings: ProjectSettings): string {
  const branch = (b: BranchSettings, objective: 'sft' | 'dpo') =>
    [
      `    "lm_lr": ${py(b.lmLr)},`,
      `    "projector_lr": ${py(b.projectorLr)},`,
      `    "encoder_lr": ${py(b.encoderLr)},`,
      `    "trainable": ${py(b.trainable)},`,
      `    "epochs": ${py(b.epochs)},`,
      `    "per_device_batch_size": ${py(b.batchSize)},`,
      `    "gradient_accumulation_steps": ${py(b.gradAccum)},`,
      `    "warmup_ratio": ${py(b.warmupRatio)},`,
      `    "weight_decay": ${py(b.weightDecay)},`,
      `    "max_grad_norm": ${py(b.clipNorm)},`,
      ...(objective === 'dpo' ? [`    "beta": ${py(b.beta)},`] : []),
      `    "seed": ${py(b.seed)},`,
    ].join('\n');
  return `# The study's hyper-parameters, written by \`pivot study export --to trl\` from ${settings.recipe}.
# sft.py and dpo.py read them from here; edit this file, not the scripts, to change a run.

# The base LLaVA model (a folder or a Hugging Face Hub id): point it at the cluster's copy if the path differs there.
BASE_MODEL = ${py(settings.baseModel)}

# Longest sequence, image tokens included (None: the model's own limit).
MAX_LENGTH = ${settings.maxLength === null ? 'None' : py(settings.maxLength)}

SFT = {
${branch(settings.sft, 'sft')}
}

DPO = {
${branch(settings.dpo, 'dpo')}
}
`;
}

/** A JSON value as Python source: strings, numbers and lists of them read the same in both. */
function py(value: string | number | readonly string[]): string {
  return JSON.stringify(value);
}
