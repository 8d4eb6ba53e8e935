// What an MLLM checkpoint records beside its three parts (`mllm.json`): where the image features come from,
// how images are prepared, and how the image placeholder expands — with LLaVA's field names where it has them.
import { readFileSync } from 'node:fs';
import { PivotError } from '../../../../src-shared/errors';
import { SIGLIP_MEAN, imageProcessorToJson, readImageProcessor, type ImageProcessorConfig } from '../hf/image-processor';

export const MLLM_CONFIG_FILE = 'mllm.json';
export const MLLM_FORMAT = 'pivot-mllm';

/** The image preparation and feature selection of an MLLM. */
export interface MllmConfig {
  /** LLaVA's `vision_feature_layer`: index into the encoder's hidden states, negative from the end. Default −2. */
  featureLayer: number;
  /**
   * LLaVA's `vision_feature_select_strategy`: 'default' drops the layer's first token (CLIP's class token; on a
   * SigLIP tower, its first patch, exactly as transformers does), 'full' keeps every token.
   */
  selectStrategy: SelectStrategy;
  /** Side of the square image the encoder takes, in px. */
  imageSize: number;
  /** How an image of any size becomes the encoder's pixels (the encoder's preprocessor_config.json). */
  imageProcessor: ImageProcessorConfig;
}

export const SELECT_STRATEGIES = ['default', 'full'] as const;
export type SelectStrategy = (typeof SELECT_STRATEGIES)[number];

/** Which LLaVA weight names a folder uses: transformers 4.x (`language_model.model.…`) or 5 (`model.language_model.…`). */
export type LlavaLayout = 'transformers-4' | 'transformers-5';

/** The Hugging Face LLaVA folder a model was loaded from, kept so that it saves back as it came. */
export interface LlavaOrigin {
  layout: LlavaLayout;
  /** The folder's config.json, parsed. */
  config: Record<string, unknown>;
  /** The folder's other small files, kept as they were (preprocessor_config.json, chat_template.jinja, …): name → text. */
  files: Readonly<Record<string, string>>;
}

/** The `mllm.json` object. */
export function mllmConfigToJson(config: MllmConfig, extra: { imageTokenIndex: number; imageSeqLength: number }): Record<string, unknown> {
  return {
    format: MLLM_FORMAT,
    version: 2,
    vision_feature_layer: config.featureLayer,
    vision_feature_select_strategy: config.selectStrategy,
    projector_hidden_act: 'gelu',
    image_size: config.imageSize,
    image_processor: imageProcessorToJson(config.imageProcessor),
    image_token: '<image>',
    image_token_index: extra.imageTokenIndex,
    image_seq_length: extra.imageSeqLength,
    encoder: 'encoder',
    language_model: 'lm',
    projector: 'projector.safetensors',
    tokenizer: 'tokenizer.json',
  };
}

/**
 * Reads `mllm.json`, naming the file and the field on anything missing or malformed. Version 1 wrote 'default' for
 * every encoder but kept a SigLIP tower's every token, so its strategy follows the encoder's `classToken` when given.
 */
export function readMllmConfig(path: string, classToken = true): MllmConfig {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new PivotError('FILE_UNREADABLE', `${path}: cannot read the MLLM description (${(err as Error).message}); is this a checkpoint folder?`);
  }
  if (json.format !== MLLM_FORMAT) throw new PivotError('INVALID_DATA', `${path}: "format" must be "${MLLM_FORMAT}", got ${JSON.stringify(json.format)}`, { file: path, field: 'format' });
  const triple = (key: string): [number, number, number] => {
    const value = json[key];
    if (!Array.isArray(value) || value.length !== 3 || !value.every((v) => typeof v === 'number')) {
      throw new PivotError('INVALID_DATA', `${path}: "${key}" must be a list of 3 numbers, got ${JSON.stringify(value)}`, { file: path, field: key });
    }
    return value as [number, number, number];
  };
  const integer = (key: string): number => {
    const value = json[key];
    if (typeof value !== 'number' || !Number.isInteger(value)) throw new PivotError('INVALID_DATA', `${path}: "${key}" must be an integer, got ${JSON.stringify(value)}`, { file: path, field: key });
    return value;
  };
  const strategy = json.version === 1 ? (classToken ? 'default' : 'full') : json.vision_feature_select_strategy;
  if (!SELECT_STRATEGIES.includes(strategy as SelectStrategy)) {
    throw new PivotError('INVALID_DATA', `${path}: "vision_feature_select_strategy" must be "default" or "full", got ${JSON.stringify(strategy)}`, { file: path, field: 'vision_feature_select_strategy' });
  }
  const selectStrategy = strategy as SelectStrategy;
  const imageSize = integer('image_size');
  const processor = json.image_processor;
  if (processor !== undefined) {
    if (typeof processor !== 'object' || processor === null || Array.isArray(processor)) {
      throw new PivotError('INVALID_DATA', `${path}: "image_processor" must be a preprocessor_config.json object, got ${JSON.stringify(processor)}`, { file: path, field: 'image_processor' });
    }
    const family = (processor as Record<string, unknown>).image_processor_type === 'CLIPImageProcessor' ? 'clip' : 'siglip';
    return { featureLayer: integer('vision_feature_layer'), selectStrategy, imageSize, imageProcessor: readImageProcessor(processor as Record<string, unknown>, family, imageSize, `${path} ("image_processor")`) };
  }
  // Checkpoints written before image processors: a square resize (bicubic), /255, then their mean and std.
  const mean = triple('image_mean');
  const std = triple('image_std');
  const family = mean.every((m, c) => m === SIGLIP_MEAN[c]) ? 'siglip' : 'clip';
  const square = { height: imageSize, width: imageSize };
  const legacy = { do_resize: true, size: square, do_center_crop: false, image_mean: mean, image_std: std, image_processor_type: family === 'clip' ? 'CLIPImageProcessor' : 'SiglipImageProcessor' };
  return { featureLayer: integer('vision_feature_layer'), selectStrategy, imageSize, imageProcessor: readImageProcessor(legacy, family, imageSize, path) };
}
