// Loading and saving Qwen2ForCausalLM as a Hugging Face folder (config.json + safetensors), so
// checkpoints move unmodified between transformers and the engine.
import { PivotError } from '../../../../src-shared/errors';
import * as tf from '../../backend/tf';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSafetensorsFolder, SAFETENSORS_FILE, SAFETENSORS_INDEX_FILE, writeSafetensorsAtomic, type TensorSource } from '../../io/safetensors';
import { ParameterSet } from '../../nn/parameters';
import { qwen2ConfigToJson, readQwen2Config, type Qwen2Config } from './config';
import { Qwen2ForCausalLM } from './modeling';
import { qwen2ParamSpecs } from './parameters';
import { weightTensor } from '../weight-tensor';

const FLOAT_DTYPES = new Set(['F32', 'F16', 'BF16', 'F64']);

/**
 * Reads `dir/config.json` and the weights (`model.safetensors` or a sharded index). Missing or
 * mis-shaped tensors throw, naming the file, the tensor and both shapes. Tensors the model does not
 * use (e.g. a stored `lm_head.weight` of a tied model) are ignored, as transformers does.
 */
export function loadQwen2(dir: string): Qwen2ForCausalLM {
  const configPath = join(dir, 'config.json');
  if (!existsSync(configPath)) throw new PivotError('FILE_UNREADABLE', `${dir}: no config.json; point to the folder save_pretrained wrote`);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new PivotError('INVALID_DATA', `${configPath}: bad JSON (${(error as Error).message})`, { file: configPath });
  }
  const config = readQwen2Config(json, configPath);
  const weights = loadSafetensorsFolder(dir);
  const where = join(dir, existsSync(join(dir, SAFETENSORS_FILE)) ? SAFETENSORS_FILE : SAFETENSORS_INDEX_FILE);
  return qwen2FromWeights(config, configPath, weights, where);
}

/**
 * The Qwen2 LM of `config` (read from `configPath`) with its weights from `weights` (at `where`); `keyOf` maps a
 * transformers Qwen2ForCausalLM name (`model.layers.0…`, `lm_head.weight`) to its key in the file, e.g. an MLLM's
 * `language_model.model.layers.0…`.
 */
export function qwen2FromWeights(
  config: Qwen2Config,
  configPath: string,
  weights: TensorSource,
  where: string,
  keyOf: (name: string) => string = (name) => name,
): Qwen2ForCausalLM {
  const specs = qwen2ParamSpecs(config);
  // Every tensor is checked from the headers before any variable exists, so a bad checkpoint
  // leaks no variables and the error lists all that is wrong at once.
  const problems = specs.flatMap((spec) => {
    const key = keyOf(spec.name);
    if (!weights.has(key)) return [`${where}: tensor "${key}" is missing (expected shape [${spec.shape}])`];
    const { shape, dtype } = weights.info(key);
    if (!tf.util.arraysEqual(shape, [...spec.shape])) {
      return [`${weights.fileOf(key)}: tensor "${key}" has shape [${shape}], expected [${spec.shape}]`];
    }
    if (!FLOAT_DTYPES.has(dtype)) return [`${weights.fileOf(key)}: tensor "${key}" is ${dtype}, expected F32, F16 or BF16`];
    return [];
  });
  if (problems.length > 0) {
    const shown = problems.slice(0, 5).join('\n');
    const more = problems.length > 5 ? `\n… and ${problems.length - 5} more` : '';
    throw new PivotError('CHECKPOINT_INCOMPATIBLE',
      `${shown}${more}\nThe weights do not match ${configPath}: re-save the model and its config together with save_pretrained.`,
    );
  }
  const parameters = ParameterSet.fromHf(specs, 'qwen2', (spec) => weightTensor(weights, keyOf(spec.name)));
  return new Qwen2ForCausalLM(config, parameters);
}

/** Writes `dir/config.json` and `dir/model.safetensors` (float32, transformers names and layout). */
export async function saveQwen2(model: Qwen2ForCausalLM, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await writeSafetensorsAtomic(join(dir, SAFETENSORS_FILE), await model.parameters.toHf(), { format: 'pt' });
  writeFileSync(join(dir, 'config.json'), `${JSON.stringify(qwen2ConfigToJson(model.config), null, 2)}\n`);
}
