// Loads a CLIP or SigLIP vision tower from a Hugging Face folder (config.json + safetensors, single
// or sharded), with or without the `vision_model.` prefix, checking every tensor against the config.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PivotError } from '../../../../src-shared/errors';
import * as tf from '../../backend/tf';
import { loadSafetensorsFolder, type TensorSource } from '../../io/safetensors';
import type { ParamSpec } from '../../nn/parameters';
import { CLIPVisionConfig } from '../clip/config';
import { CLIPVisionModel } from '../clip/model';
import { SiglipVisionConfig } from '../siglip/config';
import { SiglipVisionModel } from '../siglip/model';
import { weightTensor } from '../weight-tensor';
import { visionConfigFromJSON, visionParamSpecs, type VisionConfig, type VisionModel } from './vision-family';

/**
 * Where the vision weights sit in a checkpoint: transformers 5 saves CLIPVisionModel /
 * SiglipVisionModel without prefix, 4.x and whole CLIPModel / SiglipModel checkpoints under
 * `vision_model.` (next to `text_model.*`, `logit_scale`, … which are ignored).
 */
const PREFIXES = ['', 'vision_model.'] as const;
const PROBE_TENSOR = 'embeddings.patch_embedding.weight';
const MAX_LISTED_PROBLEMS = 10;

/** Reads `dir/config.json` and the weights next to it into a model ready to run or train. */
export async function loadVisionModel(dir: string): Promise<VisionModel> {
  const configPath = join(dir, 'config.json');
  const json = readConfigJson(dir, configPath);
  const source = loadSafetensorsFolder(dir);
  return visionModelFromWeights(json, configPath, source, weightPrefix(source));
}

/**
 * The vision tower that `json` (a vision config, from `configPath`) describes, with its weights read from `source`
 * under `prefix` (an MLLM's `vision_tower.vision_model.`); every tensor is checked before any variable exists.
 */
export function visionModelFromWeights(json: unknown, configPath: string, source: TensorSource, prefix: string): VisionModel {
  const config = visionConfigFromJSON(json, configPath);
  // A SigLIP tower saved without its MAP head (an MLLM's copy) and a config that does not say.
  if (config instanceof SiglipVisionConfig && !('vision_use_head' in config.raw) && !source.has(`${prefix}head.probe`)) {
    config.vision_use_head = false;
  }
  const specs = visionParamSpecs(config);
  checkTensors(source, prefix, specs, config, configPath);
  const tensorFor = (spec: ParamSpec): tf.Tensor => weightTensor(source, prefix + spec.name);
  return config instanceof CLIPVisionConfig
    ? CLIPVisionModel.fromHfTensors(config, tensorFor)
    : SiglipVisionModel.fromHfTensors(config, tensorFor);
}

function readConfigJson(dir: string, configPath: string): unknown {
  let text: string;
  try {
    text = readFileSync(configPath, 'utf8');
  } catch {
    throw new PivotError('FILE_UNREADABLE', `${dir}: no config.json; point to a folder written by save_pretrained (config.json + model.safetensors)`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new PivotError('INVALID_DATA', `${configPath}: bad JSON (${(err as Error).message})`, { file: configPath });
  }
}

function weightPrefix(source: TensorSource): string {
  const prefix = PREFIXES.find((p) => source.has(p + PROBE_TENSOR));
  if (prefix !== undefined) return prefix;
  const names = source.names();
  throw new PivotError('CHECKPOINT_INCOMPATIBLE',
    `${source.location}: no vision-tower weights: expected "${PROBE_TENSOR}" or "vision_model.${PROBE_TENSOR}", ` +
      `found ${names.length} tensors such as ${names.slice(0, 3).map((n) => `"${n}"`).join(', ')}. ` +
      'Is this a CLIP or SigLIP checkpoint?',
    { file: source.location },
  );
}

/** Every expected tensor present, floating-point, and of the shape the config implies; all problems in one error. */
function checkTensors(source: TensorSource, prefix: string, specs: ParamSpec[], config: VisionConfig, configPath: string): void {
  const problems: string[] = [];
  for (const spec of specs) {
    const key = prefix + spec.name;
    if (!source.has(key)) {
      problems.push(`${source.location}: tensor "${key}" is missing (expected shape [${spec.shape.join(',')}])`);
      continue;
    }
    const { dtype, shape } = source.info(key);
    if (!tf.util.arraysEqual(shape, [...spec.shape])) {
      problems.push(`${source.fileOf(key)}: tensor "${key}" has shape [${shape.join(',')}], expected [${spec.shape.join(',')}]`);
    } else if (!['F32', 'F16', 'BF16', 'F64'].includes(dtype)) {
      problems.push(`${source.fileOf(key)}: tensor "${key}" has dtype ${dtype}, expected a floating-point weight`);
    }
  }
  if (problems.length === 0) return;
  const listed = problems.slice(0, MAX_LISTED_PROBLEMS);
  if (problems.length > listed.length) listed.push(`… and ${problems.length - listed.length} more`);
  const { hidden_size, intermediate_size, num_hidden_layers, image_size, patch_size } = config;
  throw new PivotError('CHECKPOINT_INCOMPATIBLE',
    `${listed.join('\n')}\nThese weights do not match ${configPath} (${config.architecture}: hidden_size ${hidden_size}, ` +
      `intermediate_size ${intermediate_size}, num_hidden_layers ${num_hidden_layers}, image_size ${image_size}, ` +
      `patch_size ${patch_size}). Make sure config.json and the safetensors come from the same checkpoint, ` +
      'or re-save the model with save_pretrained.',
    { file: source.location },
  );
}
