// The data of a run: which dataset folder (given, from the recipe, or a Shapes world made for the run), which
// records each stage sees, and every stage's items tokenised and images decoded before the first step.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PivotError } from '../../../src-shared/errors';
import { ImageCache, recordsFor, stageItems, type DatasetRecords, type StageItem, type StageRecord } from '../data/batches';
import { writeShapesWorld } from '../data/shapes/write';
import type { Mllm } from '../models/mllm/model';
import type { Recipe, Stage } from './recipe';
import type { RunLog } from './run-log';

/** The dataset folder: `override` (TrainOptions.data), the recipe's folder, or its Shapes world under runDir/data. */
export async function datasetFolder(recipe: Recipe, override: string | undefined, runDir: string, log: RunLog): Promise<string> {
  if (override !== undefined) return resolve(override);
  if (recipe.data.folder !== undefined) return recipe.data.folder;
  const shapes = recipe.data.shapes;
  if (!shapes) {
    throw new PivotError('INVALID_REQUEST', `${recipe.source}: "data" names no dataset: set "data.folder" or "data.shapes", or pass a dataset folder.`);
  }
  const folder = join(runDir, 'data');
  if (!existsSync(join(folder, 'pairs.jsonl'))) {
    log.info(`Making a Shapes world of ${shapes.count} images in ${folder}.`);
    await writeShapesWorld({ out: folder, count: shapes.count, seed: shapes.seed, size: shapes.size, ...(shapes.difficulty ? { difficulty: shapes.difficulty } : {}) });
  }
  return folder;
}

/** A stage's records: the test split held out (unless the recipe includes it), then the stage's subset of images. */
export function stageRecords(stage: Stage, dataset: DatasetRecords, includeTestSplit: boolean): StageRecord[] {
  const usable = (r: StageRecord) => includeTestSplit || r.split !== 'test';
  const images = [...new Set([...dataset.pairs, ...dataset.captions].filter(usable).map((r) => r.image))];
  const from = Math.floor(stage.subset.from * images.length);
  const to = Math.floor(stage.subset.to * images.length);
  const chosen = new Set(images.slice(from, to));
  const records = recordsFor(stage, dataset).filter((r) => usable(r) && chosen.has(r.image));
  if (records.length === 0) {
    const what = stage.kind === 'caption' ? 'captions (captions.jsonl)' : stage.kind === 'labels' ? 'labelled images (metadata.jsonl)' : 'pairs (pairs.jsonl)';
    const hint = stage.kind === 'caption' && dataset.captions.length === 0
      ? ' Caption stages need captions.jsonl ({"image", "caption"} per line), as a Shapes world has; or use a recipe without them.'
      : ' Widen its subset or add data.';
    throw new PivotError(
      'INVALID_REQUEST',
      `Stage "${stage.name}" has no ${what} to train on in ${dataset.folder} (subset ${stage.subset.from}–${stage.subset.to}, ` +
        `test split ${includeTestSplit ? 'included' : 'held out'}).${hint}`,
    );
  }
  return records;
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
    const stageList = stageItems(stage.kind, stageRecords(stage, dataset, recipe.data.includeTestSplit), model.tokenizer, limits);
    for (const item of stageList) if (!usedBy.has(item.image)) usedBy.set(item.image, item.source);
    items.set(stage.name, stageList);
  }
  const images = new ImageCache({ size: model.config.imageSize, mean: model.config.imageMean, std: model.config.imageStd });
  await images.load(usedBy.keys(), (path) => usedBy.get(path) ?? path);
  return { items, images };
}
