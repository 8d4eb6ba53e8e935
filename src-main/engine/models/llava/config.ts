// A LLaVA folder's config.json (`model_type: llava`, LlavaForConditionalGeneration): the vision tower's and the
// LM's configs and how the image reaches the LM, read with transformers' defaults; what the engine cannot run is
// refused here, naming the field.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PivotError } from '../../../../src-shared/errors';
import { qwen2ConfigToJson, readQwen2Config, type Qwen2Config } from '../qwen2/config';
import { SELECT_STRATEGIES, type SelectStrategy } from '../mllm/config';
import type { Mllm } from '../mllm/model';

/** What the engine takes from a LLaVA config.json. */
export interface LlavaConfig {
  /** `vision_config`, as the vision loader reads it. */
  visionConfig: Record<string, unknown>;
  textConfig: Qwen2Config;
  featureLayer: number;
  selectStrategy: SelectStrategy;
  imageTokenIndex: number;
  /** Image tokens per image, when the config says (transformers' processor expands `<image>` to this many). */
  imageSeqLength?: number;
  projectorBias: boolean;
}

/** transformers' LlavaConfig defaults. */
const DEFAULTS = { vision_feature_layer: -2, vision_feature_select_strategy: 'default', image_token_index: 32000, projector_hidden_act: 'gelu', multimodal_projector_bias: true };

/** Whether a parsed config.json describes a LLaVA model. */
export function isLlavaConfig(json: unknown): boolean {
  const top = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  return top.model_type === 'llava' || (Array.isArray(top.architectures) && top.architectures.includes('LlavaForConditionalGeneration'));
}

/** Reads a LLaVA config.json (`path` names it in errors). */
export function readLlavaConfig(json: Record<string, unknown>, path: string): LlavaConfig {
  const fail = (code: 'INVALID_CONFIG' | 'UNSUPPORTED_MODEL', field: string, message: string): never => {
    throw new PivotError(code, `${path}: ${message}`, { file: path, field });
  };
  const object = (key: string): Record<string, unknown> => {
    const value = json[key];
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('INVALID_CONFIG', key, `"${key}" must be an object (the ${key === 'vision_config' ? 'vision tower' : 'language model'}'s config), got ${JSON.stringify(value)}`);
    return value as Record<string, unknown>;
  };
  const visionConfig = object('vision_config');
  const text = object('text_config');
  if (text.model_type !== 'qwen2') {
    fail('UNSUPPORTED_MODEL', 'text_config.model_type', `the language model is "${String(text.model_type)}"; PIVOT runs LLaVA models whose text_config is Qwen2 / Qwen2.5 (model_type "qwen2")`);
  }
  // transformers 5 may keep tie_word_embeddings on the LLaVA config rather than its text_config.
  const tie = text.tie_word_embeddings ?? json.tie_word_embeddings;
  const textConfig = readQwen2Config({ ...text, ...(tie === undefined ? {} : { tie_word_embeddings: tie }) }, `${path} (text_config)`);
  const field = <K extends keyof typeof DEFAULTS>(key: K): unknown => json[key] ?? DEFAULTS[key];

  const featureLayer = field('vision_feature_layer');
  if (Array.isArray(featureLayer)) {
    fail('UNSUPPORTED_MODEL', 'vision_feature_layer', `"vision_feature_layer" is a list (${JSON.stringify(featureLayer)}): features concatenated from several layers are not supported; use one layer (an integer such as -2)`);
  }
  if (typeof featureLayer !== 'number' || !Number.isInteger(featureLayer)) fail('INVALID_CONFIG', 'vision_feature_layer', `"vision_feature_layer" must be an integer, got ${JSON.stringify(featureLayer)}`);
  const selectStrategy = field('vision_feature_select_strategy');
  if (!SELECT_STRATEGIES.includes(selectStrategy as SelectStrategy)) {
    fail('UNSUPPORTED_MODEL', 'vision_feature_select_strategy', `"vision_feature_select_strategy" is ${JSON.stringify(selectStrategy)}; supported: "default" (drop the first token) or "full"`);
  }
  if (field('projector_hidden_act') !== 'gelu') {
    fail('UNSUPPORTED_MODEL', 'projector_hidden_act', `"projector_hidden_act" is ${JSON.stringify(json.projector_hidden_act)}; the projector supports "gelu" only`);
  }
  const imageTokenIndex = json.image_token_index ?? json.image_token_id ?? DEFAULTS.image_token_index;
  if (typeof imageTokenIndex !== 'number' || !Number.isInteger(imageTokenIndex)) fail('INVALID_CONFIG', 'image_token_index', `"image_token_index" must be an integer, got ${JSON.stringify(imageTokenIndex)}`);
  const imageSeqLength = json.image_seq_length;
  if (imageSeqLength !== undefined && (typeof imageSeqLength !== 'number' || !Number.isInteger(imageSeqLength))) {
    fail('INVALID_CONFIG', 'image_seq_length', `"image_seq_length" must be an integer, got ${JSON.stringify(imageSeqLength)}`);
  }
  const bias = field('multimodal_projector_bias');
  if (typeof bias !== 'boolean') fail('INVALID_CONFIG', 'multimodal_projector_bias', `"multimodal_projector_bias" must be true or false, got ${JSON.stringify(bias)}`);
  return {
    visionConfig,
    textConfig,
    featureLayer: featureLayer as number,
    selectStrategy: selectStrategy as SelectStrategy,
    imageTokenIndex: imageTokenIndex as number,
    ...(imageSeqLength !== undefined ? { imageSeqLength: imageSeqLength as number } : {}),
    projectorBias: bias as boolean,
  };
}

/** A LLaVA folder's config.json, parsed and read; throws naming the file when it is missing, malformed or not LLaVA. */
export function readLlavaFolderConfig(dir: string): { json: Record<string, unknown>; llava: LlavaConfig } {
  const configPath = join(dir, 'config.json');
  if (!existsSync(configPath)) throw new PivotError('FILE_UNREADABLE', `${dir}: no config.json; point to the folder LlavaForConditionalGeneration.save_pretrained wrote`);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new PivotError('INVALID_DATA', `${configPath}: bad JSON (${(err as Error).message})`, { file: configPath });
  }
  if (!isLlavaConfig(json)) {
    throw new PivotError('UNSUPPORTED_MODEL', `${configPath}: model_type is ${JSON.stringify(json.model_type)}, not "llava"; point to a LlavaForConditionalGeneration folder`, { file: configPath });
  }
  return { json, llava: readLlavaConfig(json, configPath) };
}

/** The config.json of `model` as a LLaVA folder: the folder's own config kept, every field the model decides updated. */
export function llavaConfigJson(model: Mllm): Record<string, unknown> {
  const original = model.origin?.config ?? {};
  const text = { ...((original.text_config as Record<string, unknown> | undefined) ?? {}), ...qwen2ConfigToJson(model.lm.config) };
  return {
    ...original,
    architectures: ['LlavaForConditionalGeneration'],
    model_type: 'llava',
    vision_config: { ...((original.vision_config as Record<string, unknown> | undefined) ?? {}), ...model.encoder.config.toJSON() },
    text_config: text,
    vision_feature_layer: model.config.featureLayer,
    vision_feature_select_strategy: model.config.selectStrategy,
    image_token_index: model.tokenizer.imageTokenId,
    ...('image_token_id' in original ? { image_token_id: model.tokenizer.imageTokenId } : {}),
    image_seq_length: model.imageTokenCount,
    projector_hidden_act: 'gelu',
    multimodal_projector_bias: model.projector.hasBias,
    tie_word_embeddings: model.lm.config.tie_word_embeddings,
    // The engine holds and saves float32, whatever the source checkpoint was.
    dtype: 'float32',
    ...('torch_dtype' in original ? { torch_dtype: 'float32' } : {}),
  };
}
