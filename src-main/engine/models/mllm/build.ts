// Making an MLLM to train: a named toy preset initialised from a seed, or a pretrained encoder and LM from
// Hugging Face folders joined by a fresh projector, each with the tokenizer that goes with the LM.
import { SiglipVisionConfig } from '../siglip/config';
import { SiglipVisionModel } from '../siglip/model';
import { checkVisionModelFits } from '../hf/vision-family';
import { loadVisionModel } from '../hf/load-vision-model';
import type { VisionModel } from '../hf/vision-family';
import { CLIPVisionConfig } from '../clip/config';
import { loadQwen2 } from '../qwen2/checkpoint';
import { readQwen2Config } from '../qwen2/config';
import { randomInit as randomQwen2, type Qwen2ForCausalLM } from '../qwen2/modeling';
import { tokenizerFromFiles } from '../../tokenizer/textTokenizer';
import { defaultImageProcessor, loadImageProcessor } from '../hf/image-processor';
import type { MllmConfig, SelectStrategy } from './config';
import { Mllm, type TokenizerFiles } from './model';
import { MLLM_PRESETS, type MllmPresetName } from './presets';
import { MultiModalProjector } from './projector';

export { readTokenizerFiles, tokenizerFromFiles } from '../../tokenizer/textTokenizer';

/** Options shared by both ways of making an MLLM. */
export interface MllmBuildOptions {
  tokenizerFiles: TokenizerFiles;
  /** Where the tokenizer files came from, for error messages. */
  tokenizerSource: string;
  /** Seeds every random initialisation (the whole preset, or the projector of a pretrained pair). */
  seed: number;
  /** LLaVA's vision_feature_layer. Default −2. */
  featureLayer?: number;
}

/** A preset MLLM with random weights: the same seed gives the same weights on every backend. */
export function createPresetMllm(preset: MllmPresetName, options: MllmBuildOptions): Mllm {
  const spec = MLLM_PRESETS[preset];
  const tokenizer = tokenizerFromFiles(options.tokenizerFiles, options.tokenizerSource);
  const encoderConfig = new SiglipVisionConfig(spec.encoder, `preset ${preset}`);
  checkVisionModelFits(encoderConfig, `preset ${preset}`);
  const lmConfig = readQwen2Config({ model_type: 'qwen2', ...spec.lm }, `preset ${preset}`);
  const encoder = SiglipVisionModel.randomInit(encoderConfig, options.seed * 3 + 1);
  const projector = MultiModalProjector.randomInit(encoderConfig.hidden_size, lmConfig.hidden_size, options.seed * 3 + 2);
  const lm = randomQwen2(lmConfig, options.seed * 3 + 3);
  return assemble(encoder, projector, lm, tokenizer, options.tokenizerFiles, mllmConfigFor(encoder, options.featureLayer));
}

/** A pretrained encoder and LM from Hugging Face folders, joined by a freshly initialised projector. */
export async function createPretrainedMllm(encoderDir: string, lmDir: string, options: MllmBuildOptions): Promise<Mllm> {
  const tokenizer = tokenizerFromFiles(options.tokenizerFiles, options.tokenizerSource);
  const encoder = await loadVisionModel(encoderDir);
  let lm: Qwen2ForCausalLM;
  try {
    lm = loadQwen2(lmDir);
  } catch (err) {
    encoder.dispose();
    throw err;
  }
  const projector = MultiModalProjector.randomInit(encoder.config.hidden_size, lm.config.hidden_size, options.seed * 3 + 2);
  return assemble(encoder, projector, lm, tokenizer, options.tokenizerFiles, mllmConfigFor(encoder, options.featureLayer, encoderDir));
}

/** The MLLM of these parts; if they do not fit together, their variables are freed before the error is thrown. */
export function assemble(...args: ConstructorParameters<typeof Mllm>): Mllm {
  try {
    return new Mllm(...args);
  } catch (err) {
    const [encoder, projector, lm] = args;
    encoder.dispose();
    projector.dispose();
    lm.dispose();
    throw err;
  }
}

/**
 * Image size from the encoder; the image processor from `dir`'s preprocessor_config.json, else its family's defaults.
 * The features are, unless `selectStrategy` says, the layer's patch tokens: CLIP's class token dropped ('default'), a
 * SigLIP tower's every token ('full').
 */
export function mllmConfigFor(encoder: VisionModel, featureLayer = -2, dir?: string, selectStrategy?: SelectStrategy): MllmConfig {
  const family = encoder.config instanceof CLIPVisionConfig ? 'clip' : 'siglip';
  const imageSize = encoder.config.image_size;
  const imageProcessor = dir === undefined ? defaultImageProcessor(family, imageSize) : loadImageProcessor(dir, family, imageSize);
  return { featureLayer, selectStrategy: selectStrategy ?? (encoder.hasClassToken ? 'default' : 'full'), imageSize, imageProcessor };
}
