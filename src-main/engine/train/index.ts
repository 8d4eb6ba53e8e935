// `train(options)`: runs a recipe's stages — the shared ones, then the sft or dpo branch — in a run folder,
// resuming from its checkpoints and reusing shared stages another branch already trained (see api.ts).
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { selectBackend } from '../backend/select';
import { modelRejectedItems, planBranchRejections } from '../eval/branch-rejections';
import { captionsFromPairs, readDataset } from '../data/batches';
import { hashWords, seedWords } from '../random';
import { trainingProbe } from '../analysis/training-probe';
import { createPresetMllm, createPretrainedMllm, readTokenizerFiles } from '../models/mllm/build';
import type { Mllm } from '../models/mllm/model';
import { objectiveOf } from '../objectives';
import { loadMllm } from '../models/mllm/checkpoint';
import type { StagePlan } from '../../../src-shared/domain/runs';
import { loadLlava } from '../models/llava/load';
import type { StageResult, TrainOptions, TrainResult } from './api';
import { loadTrainingCheckpoint } from './checkpoints';
import { readRunState, type RunState } from '../run-folder/state';
import { readRunSettings } from '../run-folder/run-settings';
import { loadRecipe, pipelineFor, withRunSettings, type Recipe, type Stage } from './recipe';
import { datasetTokenizer, trainingData, prepareStageItems } from './run-data';
import { RunLog } from './run-log';
import { checkAndRecordRecipe } from './run-manifest';
import { checkStageFits, runStage, stagePlan } from './stage-runner';

export type * from './api';
export { loadRecipe, pipelineFor, builtInRecipeNames, type Recipe, type RejectionKind, type Stage, type Sweep } from './recipe';

/** Seeds a stage's shuffling from the recipe's seed and the stage's name (so adding a stage moves no other). */
export function stageSeed(seed: number, stage: string): number {
  return hashWords([...seedWords(seed), ...Array.from(stage, (c) => c.codePointAt(0) as number)]);
}

/**
 * A branch with its own seed is shuffled by (seed, kind) alone, not its name: two sweep points with the same seed
 * see the same data order, so their difference is their settings.
 */
function shuffleSeed(recipeSeed: number, stage: Stage): number {
  return stage.seed === undefined ? stageSeed(recipeSeed, stage.name) : stageSeed(stage.seed, stage.kind);
}

export async function train(options: TrainOptions): Promise<TrainResult> {
  const backend = await selectBackend(options.backend, { threads: options.threads });
  const runDir = resolve(options.runDir);
  const asWritten = loadRecipe(options.recipe);
  const objective = options.objective ?? asWritten.objective;
  const recipe = withRunSettings(asWritten, objective, readRunSettings(runDir));
  const pipeline = pipelineFor(recipe, objective);
  await mkdir(runDir, { recursive: true });
  const state: RunState = readRunState(runDir) ?? { version: 1, stages: {} };
  const log = new RunLog(runDir, options.onEvent);
  const data = await trainingData(recipe, options.data, runDir, log);
  const dataFolder = data.resolvedFolder;
  await checkAndRecordRecipe(runDir, state, recipe, pipeline, data, (message) => log.warn(message));
  await log.keepCheckpointed(state);
  log.info(`Training on ${backend.name} (${backend.reason}).`);
  let dataset = readDataset(dataFolder);
  if (dataset.captions.length === 0 && pipeline.some((stage) => objectiveOf(stage.kind).readsCaptions)) {
    log.warn(`${dataFolder} has no captions.jsonl: the caption stages align on each pair's question and chosen answer instead.`);
    dataset = captionsFromPairs(dataset);
  }

  const stageResult = (name: string): StageResult => {
    const s = state.stages[name];
    return { name, steps: s?.step ?? 0, finalLoss: s?.finalLoss ?? Number.NaN, checkpoint: s ? join(runDir, s.checkpoint) : '' };
  };
  const result = (cancelled: boolean, upTo: number): TrainResult => {
    const stages = pipeline.slice(0, upTo).map((s) => stageResult(s.name));
    const finalCheckpoint = stages.map((s) => s.checkpoint).filter((c) => c !== '').pop() ?? '';
    return { runDir, backend: backend.name, objective, stages, finalCheckpoint, cancelled };
  };

  const first = pipeline.findIndex((s) => state.stages[s.name]?.status !== 'done');
  if (first === -1) {
    log.info(`Every stage of the ${objective} pipeline is already trained in ${runDir}.`);
    return result(false, pipeline.length);
  }
  const firstStage = pipeline[first] as (typeof pipeline)[number];
  for (const reused of pipeline.slice(0, first)) log.info(`Reusing stage ${reused.name} from ${state.stages[reused.name]?.checkpoint}.`);
  const running = state.stages[firstStage.name];
  let startCheckpoint = first > 0 ? (state.stages[(pipeline[first - 1] as (typeof pipeline)[number]).name]?.checkpoint ?? null) : null;
  const startFrom = running?.checkpoint ?? startCheckpoint;
  const loaded = startFrom !== null ? await loadTrainingCheckpoint(runDir, startFrom) : { model: await freshModel(recipe, dataFolder, log), trainer: null, optimizer: null };
  const model = loaded.model;
  try {
    // Everything about the data is checked before the first step, for every stage still to run.
    const { items, images } = await prepareStageItems(pipeline.slice(first), dataset, model, recipe);
    for (const stage of pipeline.slice(first)) checkStageFits(stage, model, items.get(stage.name) ?? [], log);
    const branch = pipeline[pipeline.length - 1] as Stage;
    // Probe-as-you-train reads the world's labels and masks: checked here, before any step, like the rest of the data.
    const probe = pipeline.slice(first).some((s) => s.probeEvery) ? await trainingProbe(dataFolder) : null;
    const rejections = branch.rejections === 'model' ? planBranchRejections(branch, dataset, model, { source: recipe.source, ...recipe.data }, runDir) : null;
    // The whole pipeline's steps as known now, for the window's overall progress; each stage's own `stage` event
    // corrects its count (model-ranked rejections keep only the pairs with a closed answer).
    const stagePlans: StagePlan[] = pipeline.map((s, i) => {
      const count = items.get(s.name)?.length ?? 0;
      const totalSteps = i < first ? (state.stages[s.name]?.totalSteps ?? 0) : count > 0 ? stagePlan(s, count).totalSteps : 0;
      return { stage: s.name, totalSteps, samplesPerStep: s.batchSize * s.gradAccum };
    });
    for (let index = first; index < pipeline.length; index++) {
      const stage = pipeline[index] as (typeof pipeline)[number];
      // Only a checkpoint of this very stage continues it; one of the previous stage is just its starting point.
      const own = index === first && running !== undefined && loaded.trainer?.stage === stage.name;
      // The base model answers when the branch starts: the model in hand, unless it already holds branch steps.
      const base = { model: own ? null : model, checkpoint: startCheckpoint, open: () => (startCheckpoint !== null ? loadMllm(join(runDir, startCheckpoint)) : freshModel(recipe, dataFolder, log)) };
      const stageItems = rejections?.stage === stage ? await modelRejectedItems(rejections, base, (message) => log.info(message)) : (items.get(stage.name) ?? []);
      const resume = own && loaded.trainer && loaded.optimizer ? { trainer: loaded.trainer, optimizer: loaded.optimizer } : null;
      if (resume) log.info(`Resuming stage ${stage.name} at step ${resume.trainer.step} from ${running?.checkpoint}.`);
      const plan = stagePlan(stage, stageItems.length);
      stagePlans[index] = { ...(stagePlans[index] as StagePlan), totalSteps: plan.totalSteps };
      log.emit({ type: 'stage', stage: stage.name, index: index + 1, of: pipeline.length, totalSteps: plan.totalSteps, plan: stagePlans.map((p) => ({ ...p })) });
      if (probe && stage.probeEvery) log.info(`Stage ${stage.name}: every ${stage.probeEvery} steps, ${probe.description}.`);
      const outcome = await runStage({
        runDir, stage, model, items: stageItems, images, seed: shuffleSeed(recipe.seed, stage), startCheckpoint, resume, state, log,
        ...(options.control ? { control: options.control } : {}),
        ...(probe && stage.probeEvery ? { probe } : {}),
      });
      if (outcome.status === 'cancelled') {
        log.info(`Stopped in stage ${stage.name} after step ${outcome.steps}; train again with the same run folder to resume.`);
        return result(true, index + 1);
      }
      startCheckpoint = outcome.checkpoint;
    }
    return result(false, pipeline.length);
  } finally {
    model.dispose();
  }
}

/**
 * The recipe's model before any training: a seeded preset, a Hugging Face LLaVA folder, or pretrained Hugging Face parts. Its tokenizer is the
 * recipe's, else the LM's (pretrained), else the dataset's; a preset over a dataset without one (pairs exported
 * from a workspace) gets the Shapes world's, and any word it lacks is reported before training.
 */
async function freshModel(recipe: Recipe, dataFolder: string, log: RunLog): Promise<Mllm> {
  const { preset, path, encoder, lm, tokenizer, featureLayer } = recipe.model;
  if (path !== undefined) return loadLlava(path, { featureLayer });
  const source = tokenizer ?? (preset ? dataFolder : (lm as string));
  const files = tokenizer === undefined && preset !== undefined ? datasetTokenizer(dataFolder, (message) => log.info(message)) : { files: readTokenizerFiles(source), source };
  const options = {
    tokenizerFiles: files.files,
    tokenizerSource: files.source,
    seed: recipe.seed,
    featureLayer,
  };
  if (preset) return createPresetMllm(preset, options);
  return createPretrainedMllm(encoder as string, lm as string, options);
}
