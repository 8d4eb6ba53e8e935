// The recipe of one sweep point: the sweep's recipe with the same model, data and shared stages (so `train` in the
// sweep's run folder reuses their checkpoints) and a single branch with the point's settings, under its own name.
// Written as a file so the user can train or inspect any one point with `pivot train --recipe`.
import { KIND_FIELDS } from '../objectives/recipe-fields';
import type { RecipeInput } from '../train/recipe-schema';
import type { Recipe, Stage } from '../train';
import type { SweepPoint } from './grid';

type StageFields = Omit<NonNullable<RecipeInput['branches']['dpo']>, 'name' | 'seed' | 'epochs' | 'maxSteps' | 'rejections'>;

/** A resolved stage's length as recipe fields: `maxSteps`, or `epochs` (the two never go together). */
function lengthOf(stage: Stage): { epochs: number } | { maxSteps: number } {
  return stage.maxSteps !== undefined ? { maxSteps: stage.maxSteps } : { epochs: stage.epochs };
}

/** A resolved stage back as recipe fields (but its length) that resolve to exactly it again. */
function stageFields(stage: Stage): StageFields {
  return {
    trainable: stage.trainable,
    lr: stage.lr,
    // Only a stage that trains the encoder may set its LR; otherwise it resolves to `lr` by itself.
    ...(stage.trainable.includes('encoder') ? { encoderLr: stage.encoderLr } : {}),
    batchSize: stage.batchSize,
    gradAccum: stage.gradAccum,
    ...(stage.activationCheckpointing ? { activationCheckpointing: true } : {}),
    warmupRatio: stage.warmupRatio,
    weightDecay: stage.weightDecay,
    clipNorm: stage.clipNorm,
    // β only where the stage's kind takes it (dpo), or the recipe would refuse the field.
    ...('beta' in KIND_FIELDS[stage.kind].stage ? { beta: stage.beta } : {}),
    checkpointEvery: stage.checkpointEvery,
    subset: stage.subset,
  };
}

export function pointRecipe(recipe: Recipe, point: SweepPoint): RecipeInput {
  const branch = recipe.branches[point.objective] as Stage;
  const { model, data } = recipe;
  return {
    name: `${recipe.name}: ${point.name}`,
    description: `Sweep point ${point.name} of ${recipe.source}.`,
    seed: recipe.seed,
    objective: point.objective,
    model: {
      ...(model.preset ? { preset: model.preset } : {}), ...(model.path ? { path: model.path } : {}), ...(model.encoder ? { encoder: model.encoder } : {}), ...(model.lm ? { lm: model.lm } : {}),
      ...(model.tokenizer ? { tokenizer: model.tokenizer } : {}), featureLayer: model.featureLayer,
    },
    data: {
      ...(data.folder ? { folder: data.folder } : {}), ...(data.shapes ? { shapes: data.shapes } : {}),
      includeTestSplit: data.includeTestSplit, ...(data.maxLength ? { maxLength: data.maxLength } : {}),
    },
    stages: recipe.stages.map((stage) => ({ name: stage.name, kind: stage.kind, ...stageFields(stage), ...lengthOf(stage) })),
    branches: {
      [point.objective]: {
        ...stageFields(branch),
        name: point.name,
        seed: point.seed,
        lr: point.lr,
        ...(branch.trainable.includes('encoder') ? { encoderLr: point.encoderLr } : {}),
        ...(point.beta !== undefined ? { beta: point.beta } : {}),
        // Scripted is the default: left out, so the branch resolves exactly as one written without the field.
        ...(point.rejections === 'model' ? { rejections: 'model' as const } : {}),
        ...point.length,
      },
    },
  };
}
