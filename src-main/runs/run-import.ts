// `pivot runs import DIR`: a LLaVA checkpoint trained elsewhere (the TRL project's sft-out/ or dpo-out/, any
// LlavaForConditionalGeneration.save_pretrained folder) becomes a finished run of the workspace, its folder copied
// into runs/<id>/checkpoint as it is: eval, the probes, Grad-CAM and export open it as they open a run trained here
// (engine/eval/open-mllm.ts, study/measure-encoder.ts' openCheckpointEncoder).
import { cp, readFile, rename, rm } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { OBJECTIVES, type ImportedCheckpoint, type RunInfo, type RunObjective } from '../../src-shared/domain/runs';
import { PivotError } from '../../src-shared/errors';
import { loadSafetensorsFolder, SAFETENSORS_FILE, SAFETENSORS_INDEX_FILE } from '../engine/io/safetensors';
import type { Workspace } from '../store/workspace';
import { RunRecorder } from './run-recorder';

/** What a run's folder calls the imported checkpoint. */
const IMPORTED_CHECKPOINT_DIR = 'checkpoint';

/** Each weight layout's prefix before the vision tower's own `vision_model.…` names. */
const VISION_TOWER_PREFIXES: Readonly<Record<ImportedCheckpoint['weightNames'], string>> = {
  'transformers-4': 'vision_tower.',
  'transformers-5': 'model.vision_tower.',
};

/**
 * What a LLaVA folder needs beside its weights: what transformers' save_pretrained of the model and its processor
 * writes, less tokenizer_config.json, which the engine reads when present (a folder `pivot export --mllm` wrote from
 * a Shapes-tokenizer model has none).
 */
const REQUIRED_FILES = ['config.json', 'tokenizer.json', 'preprocessor_config.json'];

export interface RunImportRequest {
  folder: string;
  name?: string;
  /** sft or dpo; read from the folder's training_args.bin (TRL's config class) when left out. */
  objective?: RunObjective;
}

export async function importRun(ws: Workspace, request: RunImportRequest): Promise<RunInfo> {
  const from = resolve(request.folder);
  const checked = await checkLlavaFolder(from);
  const objective = request.objective ?? (await objectiveOf(from));
  const run = ws.runs.create({ name: request.name ?? `imported ${basename(from)}`, recipe: 'imported', objective, backend: null, data: null, ownerPid: process.pid });
  const record = new RunRecorder(ws.runs, run.id, () => undefined);
  const checkpoint = join(run.runDir, IMPORTED_CHECKPOINT_DIR);
  const at = new Date().toISOString();
  // Running while it copies (a large model takes a while), as the window then shows it.
  record.setStatus('running', { startedAt: at });
  // Copied under a temporary name and renamed, so a run never points at a half-copied folder.
  const temp = `${checkpoint}.partial`;
  try {
    await cp(from, temp, { recursive: true, errorOnExist: true, force: false });
    await rename(temp, checkpoint);
  } catch (err) {
    await rm(temp, { recursive: true, force: true });
    const message = `Importing ${from} into ${checkpoint} failed: ${(err as Error).message}`;
    record.end('failed', { message });
    throw new PivotError('FILE_UNREADABLE', message, { folder: from, run: run.id });
  }
  const imported: ImportedCheckpoint = { from, at, layout: 'llava', ...checked };
  record.log('info', `Imported from ${from}: a LLaVA folder with ${checked.weightNames} weight names in ${checked.weightFiles} safetensors file(s).`);
  return record.finish({ runDir: run.runDir, backend: 'imported', objective, stages: [], finalCheckpoint: checkpoint, cancelled: false, imported });
}

/**
 * Checks that `dir` is a LLaVA folder as save_pretrained writes it — config.json of model_type "llava", the weights
 * (model.safetensors, or the index and every shard it names) with a vision tower, the tokenizer and the image
 * processor — and returns its weights' layout. Refuses naming every file missing, or what is wrong with one.
 */
export async function checkLlavaFolder(dir: string): Promise<Pick<ImportedCheckpoint, 'weightNames' | 'weightFiles'>> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new PivotError('NOT_FOUND', `${dir} is not a folder: give the folder a LLaVA model was saved to (e.g. the TRL project's dpo-out).`, { folder: dir });
  }
  const hasWeights = existsSync(join(dir, SAFETENSORS_FILE)) || existsSync(join(dir, SAFETENSORS_INDEX_FILE));
  const missing = [...REQUIRED_FILES.filter((file) => !existsSync(join(dir, file))), ...(hasWeights ? [] : [`${SAFETENSORS_FILE} (or ${SAFETENSORS_INDEX_FILE} and its shards)`])];
  if (missing.length > 0) {
    throw new PivotError('INVALID_REQUEST', `${dir} is not a LLaVA checkpoint folder: it lacks ${missing.join(', ')}. Import the folder that save_pretrained (or the TRL project's sft.py / dpo.py) wrote.`, { folder: dir, missing });
  }
  const configPath = join(dir, 'config.json');
  let config: { model_type?: unknown; vision_config?: unknown };
  try {
    config = JSON.parse(await readFile(configPath, 'utf8')) as typeof config;
  } catch (err) {
    throw new PivotError('INVALID_DATA', `${configPath} is not valid JSON: ${(err as Error).message}`, { file: configPath });
  }
  if (config.model_type !== 'llava') {
    throw new PivotError('INVALID_REQUEST', `${configPath}: model_type is ${JSON.stringify(config.model_type)}, not "llava": import a LlavaForConditionalGeneration folder.`, { file: configPath, modelType: config.model_type });
  }
  if (typeof config.vision_config !== 'object' || config.vision_config === null) {
    throw new PivotError('INVALID_DATA', `${configPath} has no "vision_config": a LLaVA config describes its vision tower there.`, { file: configPath });
  }
  const weights = loadSafetensorsFolder(dir);
  const names = weights.names();
  const weightNames = (Object.keys(VISION_TOWER_PREFIXES) as Array<keyof typeof VISION_TOWER_PREFIXES>).find((layout) => names.some((name) => name.startsWith(VISION_TOWER_PREFIXES[layout])));
  if (!weightNames) {
    throw new PivotError('CHECKPOINT_INCOMPATIBLE', `${weights.location} holds no vision tower (no tensor named vision_tower.… or model.vision_tower.…), so there is no encoder to measure.`, { file: weights.location });
  }
  return { weightNames, weightFiles: new Set(names.map((name) => weights.fileOf(name))).size };
}

/**
 * The objective TRL trained with: transformers' Trainer pickles its arguments into training_args.bin, and the
 * pickle names their class (trl's SFTConfig or DPOConfig) in plain bytes. Refused, asking for --objective, when the
 * file is absent or names neither.
 */
async function objectiveOf(dir: string): Promise<RunObjective> {
  const bytes = await readFile(join(dir, 'training_args.bin')).catch(() => null);
  const found = bytes ? OBJECTIVES.filter((objective) => bytes.includes(`${objective.toUpperCase()}Config`)) : [];
  if (found.length === 1) return found[0]!;
  throw new PivotError('INVALID_REQUEST', `Which objective trained ${dir}? ${bytes ? 'Its training_args.bin names neither SFTConfig nor DPOConfig' : 'It has no training_args.bin'}: say it with --objective sft|dpo.`, { folder: dir });
}
