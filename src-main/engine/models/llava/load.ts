// Loads a Hugging Face LLaVA folder (config.json, the weights in either transformers layout, single or sharded,
// and the tokenizer) as the engine's MLLM, keeping the folder's config and files so that it saves back as it came.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PivotError } from '../../../../src-shared/errors';
import * as tf from '../../backend/tf';
import { loadSafetensorsFolder, type TensorSource } from '../../io/safetensors';
import { visionModelFromWeights } from '../hf/load-vision-model';
import { assemble, mllmConfigFor, readTokenizerFiles, tokenizerFromFiles } from '../mllm/build';
import type { LlavaOrigin } from '../mllm/config';
import type { Mllm } from '../mllm/model';
import type { VisionModel } from '../hf/vision-family';
import { MultiModalProjector, projectorSpecs } from '../mllm/projector';
import { qwen2FromWeights } from '../qwen2/checkpoint';
import type { Qwen2ForCausalLM } from '../qwen2/modeling';
import { weightTensor } from '../weight-tensor';
import { isLlavaConfig, readLlavaFolderConfig, type LlavaConfig } from './config';
import { detectLayout, LLAVA_KEYS } from './layout';

/** The folder's small files beside config, weights and tokenizer that a saved copy keeps as they were. */
export const KEPT_FILES = [
  'preprocessor_config.json',
  'processor_config.json',
  'chat_template.jinja',
  'chat_template.json',
  'special_tokens_map.json',
  'added_tokens.json',
  'generation_config.json',
  'vocab.json',
  'merges.txt',
];

/** Whether `dir` holds a LLaVA config.json (unreadable or absent: false, left to the loader that is tried next). */
export function isLlavaFolder(dir: string): boolean {
  try {
    return isLlavaConfig(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')));
  } catch {
    return false;
  }
}

/** A LLaVA folder's vision tower alone, with the folder's config: what the probes measure, without loading the LM. */
export function loadLlavaVisionTower(dir: string): { encoder: VisionModel; llava: LlavaConfig } {
  const { llava } = readLlavaFolderConfig(dir);
  const weights = loadSafetensorsFolder(dir);
  const encoder = visionModelFromWeights(llava.visionConfig, `${join(dir, 'config.json')} (vision_config)`, weights, LLAVA_KEYS[detectLayout(weights)].visionPrefix);
  return { encoder, llava };
}

/** Options of `loadLlava`. */
export interface LoadLlavaOptions {
  /** Takes the image features from this layer instead of the config's vision_feature_layer (a recipe's choice). */
  featureLayer?: number;
}

/** The MLLM of a LLaVA folder; errors name the file, the field or the tensor. */
export async function loadLlava(dir: string, options: LoadLlavaOptions = {}): Promise<Mllm> {
  const configPath = join(dir, 'config.json');
  const { json, llava } = readLlavaFolderConfig(dir);
  const tokenizerFiles = readTokenizerFiles(dir);
  const tokenizer = tokenizerFromFiles(tokenizerFiles, dir);
  if (tokenizer.imageTokenId !== llava.imageTokenIndex) {
    throw new PivotError('CHECKPOINT_INCOMPATIBLE',
      `${configPath}: image_token_index is ${llava.imageTokenIndex} but ${join(dir, 'tokenizer.json')} gives "<image>" the id ${tokenizer.imageTokenId}; ` +
        'the config and the tokenizer must come from the same checkpoint',
      { file: configPath },
    );
  }
  const weights = loadSafetensorsFolder(dir);
  const layout = detectLayout(weights);
  const keys = LLAVA_KEYS[layout];
  const encoder = visionModelFromWeights(llava.visionConfig, `${configPath} (vision_config)`, weights, keys.visionPrefix);
  let lm: Qwen2ForCausalLM | undefined;
  let projector: MultiModalProjector | undefined;
  try {
    lm = qwen2FromWeights(llava.textConfig, `${configPath} (text_config)`, weights, weights.location, keys.lmKey);
    projector = readProjector(weights, keys.projectorPrefix, encoder.config.hidden_size, lm.config.hidden_size, llava.projectorBias);
  } catch (err) {
    encoder.dispose();
    lm?.dispose();
    throw err;
  }
  const files = Object.fromEntries(KEPT_FILES.filter((name) => existsSync(join(dir, name))).map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
  const origin: LlavaOrigin = { layout, config: json, files };
  const config = mllmConfigFor(encoder, options.featureLayer ?? llava.featureLayer, dir, llava.selectStrategy);
  const model = assemble(encoder, projector, lm, tokenizer, tokenizerFiles, config, origin);
  if (llava.imageSeqLength !== undefined && llava.imageSeqLength !== model.imageTokenCount) {
    model.dispose();
    throw new PivotError('CHECKPOINT_INCOMPATIBLE',
      `${configPath}: image_seq_length is ${llava.imageSeqLength} but the vision tower gives ${model.imageTokenCount} image tokens ` +
        `(vision_feature_select_strategy "${llava.selectStrategy}"); fix image_seq_length or the vision_config`,
      { file: configPath },
    );
  }
  return model;
}

/** The projector's tensors under `prefix`, all checked for presence and shape before any is read. */
function readProjector(weights: TensorSource, prefix: string, visionHidden: number, textHidden: number, bias: boolean): MultiModalProjector {
  for (const spec of projectorSpecs(visionHidden, textHidden, bias)) {
    const key = prefix + spec.name;
    if (!weights.has(key)) {
      const hint = spec.name.endsWith('.bias') ? '; a projector without biases needs "multimodal_projector_bias": false in config.json' : '';
      throw new PivotError('CHECKPOINT_INCOMPATIBLE', `${weights.location}: tensor "${key}" is missing (expected shape [${spec.shape}])${hint}`, { file: weights.location, tensor: key });
    }
    const { shape } = weights.info(key);
    if (!tf.util.arraysEqual(shape, [...spec.shape])) {
      throw new PivotError('CHECKPOINT_INCOMPATIBLE', `${weights.fileOf(key)}: tensor "${key}" has shape [${shape}], expected [${spec.shape}]`, { file: weights.fileOf(key), tensor: key });
    }
  }
  return MultiModalProjector.fromHf(visionHidden, textHidden, (spec) => weightTensor(weights, prefix + spec.name), bias);
}
