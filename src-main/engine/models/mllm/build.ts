// Making an MLLM to train: a named toy preset initialised from a seed, or a pretrained encoder and LM from
// Hugging Face folders joined by a fresh projector, each with the tokenizer that goes with the LM.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PivotError } from '../../../../src-shared/errors';
import { SiglipVisionConfig } from '../siglip/config';
import { SiglipVisionModel } from '../siglip/model';
import { checkVisionModelFits } from '../hf/vision-family';
import { loadVisionModel } from '../hf/load-vision-model';
import type { VisionModel } from '../hf/vision-family';
import { CLIPVisionConfig } from '../clip/config';
import { loadQwen2 } from '../qwen2/checkpoint';
import { readQwen2Config } from '../qwen2/config';
import { randomInit as randomQwen2, type Qwen2ForCausalLM } from '../qwen2/modeling';
import { TextTokenizer } from '../../tokenizer/textTokenizer';
import { CLIP_MEAN, CLIP_STD, SIGLIP_MEAN, SIGLIP_STD, type MllmConfig, type SelectStrategy } from './config';
import { Mllm, type TokenizerFiles } from './model';
import { MLLM_PRESETS, type MllmPresetName } from './presets';
import { MultiModalProjector } from './projector';

const TOKENIZER_FILE_NAMES = ['tokenizer.json', 'tokenizer_config.json'];

/** The tokenizer files of a folder; throws, saying what to put there, when it has no tokenizer.json. */
export function readTokenizerFiles(dir: string): TokenizerFiles {
  if (!existsSync(join(dir, 'tokenizer.json'))) {
    throw new PivotError('FILE_UNREADABLE',
      `No tokenizer.json in ${dir}. A Shapes-world folder has one (regenerate it with pivot data shapes); ` +
        'for a Hugging Face LM, save its tokenizer there (tokenizer.save_pretrained(dir)).',
    );
  }
  const files: Record<string, string> = {};
  for (const name of TOKENIZER_FILE_NAMES) {
    const path = join(dir, name);
    if (existsSync(path)) files[name] = readFileSync(path, 'utf8');
  }
  return files;
}

/** The tokenizer the files describe; `source` names it in errors (usually the folder). */
export function tokenizerFromFiles(files: TokenizerFiles, source: string): TextTokenizer {
  const parse = (name: string): Record<string, unknown> => {
    try {
      return JSON.parse(files[name] as string) as Record<string, unknown>;
    } catch (err) {
      throw new PivotError('INVALID_DATA', `${join(source, name)}: bad JSON (${(err as Error).message})`, { file: join(source, name) });
    }
  };
  const config = files['tokenizer_config.json'] !== undefined ? parse('tokenizer_config.json') : {};
  return TextTokenizer.fromJson(parse('tokenizer.json'), config, join(source, 'tokenizer.json'));
}

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
 * Image size from the encoder; mean and std from `dir`'s preprocessor_config.json, else its family's defaults. The
 * features are, unless `selectStrategy` says, the layer's patch tokens: CLIP's class token dropped ('default'), a
 * SigLIP tower's every token ('full').
 */
export function mllmConfigFor(encoder: VisionModel, featureLayer = -2, dir?: string, selectStrategy?: SelectStrategy): MllmConfig {
  const clip = encoder.config instanceof CLIPVisionConfig;
  let imageMean = clip ? CLIP_MEAN : SIGLIP_MEAN;
  let imageStd = clip ? CLIP_STD : SIGLIP_STD;
  const preprocessor = dir === undefined ? undefined : join(dir, 'preprocessor_config.json');
  if (preprocessor !== undefined && existsSync(preprocessor)) {
    const json = JSON.parse(readFileSync(preprocessor, 'utf8')) as { image_mean?: unknown; image_std?: unknown };
    const triple = (v: unknown): v is [number, number, number] => Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number');
    if (triple(json.image_mean)) imageMean = json.image_mean;
    if (triple(json.image_std)) imageStd = json.image_std;
  }
  return {
    featureLayer,
    selectStrategy: selectStrategy ?? (encoder.hasClassToken ? 'default' : 'full'),
    imageSize: encoder.config.image_size,
    imageMean: [...imageMean],
    imageStd: [...imageStd],
  };
}
