// The data of a run: which dataset folder (given, from the recipe, or a Shapes world made for the run), the tokenizer
// a preset model takes from it, and every stage's items tokenised and images decoded before the first step. The one
// place training meets the Shapes world: making one for a recipe, and its vocabulary as the fallback tokenizer.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PivotError } from '../../../src-shared/errors';
import { ImageCache, type DatasetRecords, type StageItem } from '../data/batches';
import { ensureShapesWorld } from '../data/shapes/ensure-world';
import { shapesTokenizerText } from '../data/shapes/tokenizer';
import { readTokenizerFiles } from '../models/mllm/build';
import type { Mllm } from '../models/mllm/model';
import type { RecordedData } from '../run-folder/manifest';
import { readWorkspacePairs } from '../run-folder/workspace-pairs';
import { objectiveOf } from '../objectives';
import { stageRecords } from '../objectives/stage-records';
import type { Recipe, Stage } from './recipe';
import type { RunLog } from './run-log';

/**
 * The data the run trains on, as its recipe.json records it: `override` (TrainOptions.data, recorded instead of the
 * recipe's folder or Shapes world, with its workspace-pairs.json when it has one), the recipe's folder, or its
 * Shapes world made under runDir/data.
 */
export async function trainingData(recipe: Recipe, override: string | undefined, runDir: string, log: RunLog): Promise<RecordedData> {
  if (override !== undefined) {
    const folder = resolve(override);
    const workspacePairs = readWorkspacePairs(folder);
    const { includeTestSplit, maxLength } = recipe.data;
    return { folder, includeTestSplit, ...(maxLength ? { maxLength } : {}), resolvedFolder: folder, ...(workspacePairs ? { workspacePairs } : {}) };
  }
  if (recipe.data.folder !== undefined) return { ...recipe.data, resolvedFolder: recipe.data.folder };
  const shapes = recipe.data.shapes;
  if (!shapes) {
    throw new PivotError('INVALID_CONFIG', `${recipe.source}: "data" names no dataset: set "data.folder" or "data.shapes", or pass a dataset folder.`, { file: recipe.source, field: 'data' });
  }
  const folder = join(runDir, 'data');
  await ensureShapesWorld(folder, shapes, (message) => log.info(message));
  return { ...recipe.data, resolvedFolder: folder };
}

/**
 * The tokenizer files a preset model gets from the run's data: the folder's own, else (pairs exported from a
 * workspace have none) the Shapes world's word-level tokenizer, whose missing words are reported before training.
 */
export function datasetTokenizer(dataFolder: string, info: (message: string) => void): { files: Record<string, string>; source: string } {
  if (existsSync(join(dataFolder, 'tokenizer.json'))) return { files: readTokenizerFiles(dataFolder), source: dataFolder };
  info(`${dataFolder} has no tokenizer.json: using the Shapes world's word-level tokenizer.`);
  return shapesTokenizerFiles();
}

/** The Shapes world's word-level tokenizer, what a preset gets over pairs that bring no tokenizer. */
export function shapesTokenizerFiles(): { files: Record<string, string>; source: string } {
  return { files: { 'tokenizer.json': shapesTokenizerText() }, source: 'the built-in Shapes tokenizer' };
}

/**
 * Tokenises every stage's records and decodes every image they use, so that a record too long for the context,
 * an unknown word or an unreadable image stops the run before its first step, naming file and line.
 */
export async function prepareStageItems(stages: readonly Stage[], dataset: DatasetRecords, model: Mllm, recipe: Recipe): Promise<{ items: Map<string, StageItem[]>; images: ImageCache }> {
  const limits = { imageTokenCount: model.imageTokenCount, maxLength: recipe.data.maxLength ?? model.lm.config.max_position_embeddings };
  const items = new Map<string, StageItem[]>();
  const usedBy = new Map<string, string>();
  for (const stage of stages) {
    const stageList = objectiveOf(stage.kind).examples(stageRecords(stage, dataset, recipe.data.includeTestSplit), model.tokenizer, limits);
    for (const item of stageList) if (!usedBy.has(item.image)) usedBy.set(item.image, item.source);
    items.set(stage.name, stageList);
  }
  const images = new ImageCache(model.config.imageProcessor);
  await images.load(usedBy.keys(), (path) => usedBy.get(path) ?? path);
  return { items, images };
}
