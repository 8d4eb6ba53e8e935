// What a recipe's model is, read from configs alone (no weights are loaded or allocated): its tokenizer, the context
// and image tokens its sequences must fit, its image size and its parameters per part. The pair check and the New
// run form's model summary use it before a run starts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PivotError } from '../../../src-shared/errors';
import { visionConfigFromJSON, visionParamSpecs, type VisionConfig } from '../models/hf/vision-family';
import { CLIPVisionConfig } from '../models/clip/config';
import type { MllmMemorySpec } from '../models/memory-estimate';
import { parameterCount } from '../models/model-size';
import { readTokenizerFiles, tokenizerFromFiles } from '../models/mllm/build';
import { MLLM_PRESETS } from '../models/mllm/presets';
import { projectorSpecs } from '../models/mllm/projector';
import { SiglipVisionConfig } from '../models/siglip/config';
import { readQwen2Config, type Qwen2Config } from '../models/qwen2/config';
import { readLlavaFolderConfig } from '../models/llava/config';
import { qwen2ParamSpecs } from '../models/qwen2/parameters';
import type { TextTokenizer } from '../tokenizer/textTokenizer';
import type { Recipe } from './recipe';
import { shapesTokenizerFiles } from './run-data';

/** Parameters of each part of the MLLM, as its configs count them (the encoder whole, as its model card does). */
export interface PartParameters {
  encoder: number;
  projector: number;
  lm: number;
}

export interface ModelOutline {
  /** The model in words: "preset toy", or the encoder and LM folders. */
  name: string;
  tokenizer: TextTokenizer;
  /** Where the tokenizer comes from, in words (a folder, or the built-in Shapes tokenizer). */
  tokenizerSource: string;
  /** The longest sequence, image expanded: the recipe's data.maxLength, else the LM's max_position_embeddings. */
  maxLength: number;
  /** Positions the image takes in the LM. */
  imageTokenCount: number;
  /** Pixels per side the encoder takes. */
  imageSize: number;
  parameters: PartParameters;
  /** What the estimate of a training step's memory needs (models/memory-estimate.ts). */
  memorySpec: MllmMemorySpec;
}

/**
 * The outline of the model a run of `recipe` trains on workspace pairs. Its tokenizer is the one the run gets: the
 * recipe's, else the LM's (pretrained), else, for a preset, the Shapes world's (exported pairs carry none).
 */
export function modelOutline(recipe: Recipe): ModelOutline {
  const { preset, path, encoder, lm, tokenizer } = recipe.model;
  let vision: VisionConfig;
  let text: Qwen2Config;
  let name: string;
  // Image tokens per image: the tower's tokens, less the first under LLaVA's 'default' strategy (a preset or a
  // composed pair keeps the patches only).
  let imageTokens = (v: VisionConfig): number => v.numPatches;
  if (path !== undefined) {
    const { llava } = readLlavaFolderConfig(path);
    vision = visionConfigFromJSON(llava.visionConfig, `${join(path, 'config.json')} (vision_config)`);
    text = llava.textConfig;
    name = `LLaVA ${path}`;
    imageTokens = (v) => v.numPatches + (v instanceof CLIPVisionConfig ? 1 : 0) - (llava.selectStrategy === 'default' ? 1 : 0);
  } else if (preset) {
    const spec = MLLM_PRESETS[preset];
    vision = new SiglipVisionConfig(spec.encoder, `preset ${preset}`);
    text = readQwen2Config({ model_type: 'qwen2', ...spec.lm }, `preset ${preset}`);
    name = `preset ${preset}`;
  } else {
    vision = visionConfigFromJSON(readConfig(encoder as string), join(encoder as string, 'config.json'));
    text = readQwen2Config(readConfig(lm as string), join(lm as string, 'config.json'));
    name = `encoder ${encoder} + LM ${lm}`;
  }
  const parameters = {
    encoder: parameterCount(vision, visionParamSpecs),
    projector: projectorSpecs(vision.hidden_size, text.hidden_size).reduce((sum, spec) => sum + spec.shape.reduce((a, b) => a * b, 1), 0),
    lm: parameterCount(text, qwen2ParamSpecs),
  };
  const tokenizerDir = tokenizer ?? path ?? lm;
  const files = tokenizerDir !== undefined ? { files: readTokenizerFiles(tokenizerDir), source: tokenizerDir } : shapesTokenizerFiles();
  return {
    name,
    tokenizer: tokenizerFromFiles(files.files, files.source),
    tokenizerSource: files.source,
    maxLength: recipe.data.maxLength ?? text.max_position_embeddings,
    imageTokenCount: imageTokens(vision),
    imageSize: vision.image_size,
    parameters,
    memorySpec: {
      encoder: vision, classToken: vision instanceof CLIPVisionConfig, lm: text, featureLayer: recipe.model.featureLayer,
      parameters: { ...parameters, encoder: parameterCount(upToFeatureLayer(vision, recipe.model.featureLayer), visionParamSpecs) },
    },
  };
}

/** The encoder as the MLLM builds it: its blocks up to the feature layer the projector reads, no later ones. */
function upToFeatureLayer(vision: VisionConfig, featureLayer: number): VisionConfig {
  // hidden_states has num_hidden_layers + 1 entries; entry k is the output of block k − 1, so k blocks run.
  const blocks = featureLayer < 0 ? vision.num_hidden_layers + 1 + featureLayer : featureLayer;
  return Object.assign(Object.create(Object.getPrototypeOf(vision) as object) as VisionConfig, vision, { num_hidden_layers: blocks });
}

function readConfig(dir: string): Record<string, unknown> {
  const path = join(dir, 'config.json');
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new PivotError('FILE_UNREADABLE', `${path} cannot be read (${(err as Error).message}): point the recipe's model at a Hugging Face folder with its config.json.`, { file: path });
  }
}
