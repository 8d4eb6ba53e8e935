// `recipe.json` in a run folder, its manifest: the resolved recipe the run was started with, every stage ever run
// there by name. A later `train` in the same folder compares itself with it; an export reads the stages' kinds.
import { join } from 'node:path';
import { z } from 'zod';
import { STAGE_KINDS } from '../objectives/kinds';
import { MLLM_PARTS } from '../models/mllm/parts';
import { MLLM_PRESET_NAMES } from '../models/mllm/presets';
import type { Recipe, Stage } from '../train/recipe';
import { readJsonFile, writeJsonFile } from './json-file';
import { workspacePairsSchema, type WorkspacePairs } from './workspace-pairs';

export const RUN_RECIPE_FILE = 'recipe.json';

// The recipe as resolved (every default filled in, paths absolute): typed as the recipe's own types, so a field
// added there must be added here.
const stageSchema: z.ZodType<Stage> = z.object({
  name: z.string(),
  kind: z.enum(STAGE_KINDS),
  trainable: z.array(z.enum(MLLM_PARTS)),
  lr: z.number(),
  encoderLr: z.number(),
  projectorLr: z.number().optional(),
  lmLr: z.number().optional(),
  epochs: z.number(),
  maxSteps: z.number().int().optional(),
  batchSize: z.number().int(),
  gradAccum: z.number().int(),
  activationCheckpointing: z.literal(true).optional(),
  warmupRatio: z.number(),
  weightDecay: z.number(),
  clipNorm: z.number().nullable(),
  beta: z.number(),
  checkpointEvery: z.number().int(),
  subset: z.object({ from: z.number(), to: z.number() }),
  seed: z.number().int().optional(),
  rejections: z.literal('model').optional(),
});

const modelSchema: z.ZodType<Recipe['model']> = z.object({
  preset: z.enum(MLLM_PRESET_NAMES).optional(),
  path: z.string().optional(),
  encoder: z.string().optional(),
  lm: z.string().optional(),
  tokenizer: z.string().optional(),
  featureLayer: z.number().int(),
});

/** The data a run trained on, as recorded: the recipe's, or the folder it was given instead (recipe.data's source dropped). */
export type RecordedData = Recipe['data'] & { resolvedFolder: string; workspacePairs?: WorkspacePairs };

const dataSchema: z.ZodType<RecordedData> = z.object({
  folder: z.string().optional(),
  shapes: z.object({ count: z.number().int(), seed: z.number().int(), size: z.number().int(), difficulty: z.string().optional() }).optional(),
  includeTestSplit: z.boolean(),
  maxLength: z.number().int().optional(),
  /** The dataset folder the run trained on (a made Shapes world's too). */
  resolvedFolder: z.string(),
  /** Where its pairs came from when they were exported from a workspace for the run. */
  workspacePairs: workspacePairsSchema.optional(),
});

const runManifestSchema = z.object({
  /** The recipe file the run was started with. */
  recipe: z.string(),
  seed: z.number(),
  model: modelSchema,
  data: dataSchema,
  /** Every stage ever run in this folder, in the order first run. */
  stages: z.record(z.string(), stageSchema),
});

/** What the run folder says it was started with. */
export type RunManifest = z.output<typeof runManifestSchema>;

/** The manifest, or null for a folder no run has started in. */
export function readRunManifest(runDir: string): RunManifest | null {
  return readJsonFile(join(runDir, RUN_RECIPE_FILE), runManifestSchema);
}

export async function writeRunManifest(runDir: string, manifest: RunManifest): Promise<void> {
  await writeJsonFile(join(runDir, RUN_RECIPE_FILE), runManifestSchema, manifest, 2);
}
