// Which preference pairs a run can train on with its recipe's model, checked before the run is recorded (issue 12,
// bug 9): each pair goes through the very examples() every stage of the pipeline makes at the run's start
// (prepareStageItems), against the model's tokenizer and context with the image expanded, and its image through the
// decoder the run uses. A pair that fails is named with the reason, instead of the run failing after it started.
import type { BaseModel, BranchSettings } from '../../../src-shared/domain/run-settings';
import { captionsFromPairs, decodeImage, type DatasetRecords, type RecordProblemReason, type UntrainableRecord } from '../data/batches';
import { availableMemoryFor, estimateTrainingMemory, memoryEstimateOf, type AvailableMemory, type MllmMemorySpec, type TrainingMemoryEstimate } from '../models/memory-estimate';
import { defaultImageProcessor } from '../models/hf/image-processor';
import { objectiveOf } from '../objectives';
import type { Objective } from './api';
import { modelOutline, type PartParameters } from './model-outline';
import { loadRecipe, pipelineFor, withRunSettings, type Stage } from './recipe';

/** One pair as the check reads it. */
export interface PairToCheck {
  id: number;
  /** Absolute image path. */
  image: string;
  question: string;
  chosen: string;
  rejected: string;
}

/** Why a pair cannot be trained on. */
export type PairFitReason = RecordProblemReason | 'image-unreadable';

export interface UnfitPair {
  id: number;
  reason: PairFitReason;
  message: string;
  /** For `too-long`: positions over the context (its longest sequence, image expanded). */
  tokensOver?: number;
}

export interface PairFitReport {
  model: {
    name: string; tokenizer: string; maxLength: number; imageTokenCount: number; parameters: PartParameters;
    /** A step of the branch at its batch size and the full context, against what the backend has. */
    memory: TrainingMemoryEstimate & { available: AvailableMemory };
  };
  checked: number;
  /** The pairs that cannot be trained on, by id, each with one reason. */
  unfit: UnfitPair[];
}

export interface PairFitOptions {
  /** A built-in recipe name or a recipe file. */
  recipe: string;
  /** The recipe's own when omitted. */
  objective?: Objective;
  /** The base model and branch settings instead of the recipe's. */
  model?: BaseModel;
  branch?: BranchSettings;
  /** The backend the memory estimate is compared against (default native: this machine's RAM). */
  backend?: string;
  pairs: readonly PairToCheck[];
}

const IMAGES_IN_FLIGHT = 8;

export async function checkPairFit(options: PairFitOptions): Promise<PairFitReport> {
  const asWritten = loadRecipe(options.recipe);
  const objective = options.objective ?? asWritten.objective;
  const recipe = withRunSettings(asWritten, objective, { ...(options.model ? { model: options.model } : {}), ...(options.branch ? { branch: options.branch } : {}) });
  const pipeline = pipelineFor(recipe, objective);
  const outline = modelOutline(recipe);
  const limits = { imageTokenCount: outline.imageTokenCount, maxLength: outline.maxLength };
  const keyOf = (id: number): string => `pair ${id}`;
  const idOfKey = new Map(options.pairs.map((p) => [keyOf(p.id), p.id]));
  let dataset: DatasetRecords = {
    folder: 'the workspace',
    pairs: options.pairs.map((p) => ({ file: 'pair', line: p.id, key: keyOf(p.id), image: p.image, question: p.question, chosen: p.chosen, rejected: p.rejected })),
    captions: [],
  };
  // As a run on exported pairs does: they have no captions, so caption stages align on question and chosen answer.
  if (pipeline.some((stage) => objectiveOf(stage.kind).readsCaptions)) dataset = captionsFromPairs(dataset);

  const unfit = new Map<number, UnfitPair>();
  for (const stage of pipeline) {
    const objective = objectiveOf(stage.kind);
    // A labels stage learns from a labelled-image folder, never from pairs.
    if (stage.kind === 'labels') continue;
    try {
      objective.examples(objective.records(dataset, stage.name), outline.tokenizer, limits);
    } catch (err) {
      const records = (err as { details?: { records?: UntrainableRecord[] } }).details?.records;
      if (!records) throw err;
      for (const record of records) {
        // A caption made of a pair is keyed `<pair key>:caption`.
        const id = idOfKey.get(record.key.replace(/:caption$/, ''));
        if (id === undefined) continue;
        // The reason of its first failing stage; for a pair too long, the stage it is longest in.
        const known = unfit.get(id);
        if (known && !(known.tokensOver !== undefined && (record.tokensOver ?? 0) > known.tokensOver)) continue;
        unfit.set(id, { id, reason: record.reason, message: record.message, ...(record.tokensOver !== undefined ? { tokensOver: record.tokensOver } : {}) });
      }
    }
  }
  for (const { id, message } of await unreadableImages(options.pairs, outline.imageSize)) {
    if (!unfit.has(id)) unfit.set(id, { id, reason: 'image-unreadable', message });
  }
  return {
    model: {
      name: outline.name, tokenizer: outline.tokenizerSource, maxLength: outline.maxLength, imageTokenCount: outline.imageTokenCount, parameters: outline.parameters,
      memory: { ...branchMemory(outline.memorySpec, pipeline.at(-1) as Stage, outline.maxLength), available: availableMemoryFor(options.backend ?? 'native') },
    },
    checked: options.pairs.length,
    unfit: [...unfit.values()].sort((a, b) => a.id - b.id),
  };
}

/** The estimate of one step of the branch (the stage the run is for): DPO's batch holds chosen and rejected rows. */
function branchMemory(spec: MllmMemorySpec, branch: Stage, sequenceLength: number): TrainingMemoryEstimate {
  const rows = branch.kind === 'dpo' ? 2 * branch.batchSize : branch.batchSize;
  return estimateTrainingMemory(memoryEstimateOf(spec, { trainable: branch.trainable, batchRows: rows, sequenceLength, activationCheckpointing: false, gradAccum: branch.gradAccum }));
}

/** The pairs whose image the run's decoder cannot read, each image decoded once. */
async function unreadableImages(pairs: readonly PairToCheck[], size: number): Promise<Array<{ id: number; message: string }>> {
  const byImage = new Map<string, number[]>();
  for (const pair of pairs) byImage.set(pair.image, [...(byImage.get(pair.image) ?? []), pair.id]);
  const paths = [...byImage.keys()];
  const failed: Array<{ id: number; message: string }> = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < paths.length) {
      const path = paths[next++] as string;
      try {
        // Any processor at the model's size reads the file as the run will; which one does not change whether it can.
        await decodeImage(path, defaultImageProcessor('siglip', size));
      } catch (err) {
        for (const id of byImage.get(path) ?? []) failed.push({ id, message: `its image ${path} cannot be read (${(err as Error).message})` });
      }
    }
  };
  await Promise.all(Array.from({ length: IMAGES_IN_FLIGHT }, worker));
  return failed;
}
