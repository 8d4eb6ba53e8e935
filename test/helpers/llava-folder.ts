// Builds small LLaVA folders for the tests from the shared fixtures (CLIP or SigLIP vision, Qwen2 LM, tokenizer)
// and a seeded projector, in either transformers layout — as test/fixtures/make-llava-fixture.py does in Python — and,
// when asked, as transformers' save_pretrained (so TRL's sft.py / dpo.py) leaves it: sharded with an index, with the
// processor's files and the Trainer's training_args.bin.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSafetensors, writeSafetensors, type TensorToWrite } from '../../src-main/engine/io/safetensors';
import { LLAVA_KEYS } from '../../src-main/engine/models/llava';
import type { LlavaLayout } from '../../src-main/engine/models/mllm/config';
import { FIXTURES } from '../main/engine/models/vision/helpers';

export type VisionFixture = 'clip-vision' | 'siglip-vision';

export interface LlavaFolderOptions {
  vision?: VisionFixture;
  layout?: LlavaLayout;
  /** Edits the config.json object before it is written. */
  config?: (json: Record<string, unknown>) => void;
  /** Edits the tensors before they are written. */
  tensors?: (tensors: Record<string, TensorToWrite>) => void;
  /** 1 (the default): model.safetensors; more: model-0000i-of-0000n.safetensors + model.safetensors.index.json. */
  shards?: number;
  /** Also tokenizer_config.json and a CLIP preprocessor_config.json, as save_pretrained writes them beside the model. */
  processorFiles?: boolean;
  /** training_args.bin naming this TRL config class, as the Trainer's pickle does (not a real pickle). */
  trainedWith?: 'SFTConfig' | 'DPOConfig';
}

/** The width of the fixtures' vision and text hidden states. */
export const WIDTH = 64;
/** `<image>`'s id in the fixture tokenizer. */
export const IMAGE_TOKEN_ID = 3;

/** A fixture's tensors as writable float32. */
export function fixtureTensors(file: string): Record<string, TensorToWrite> {
  const { tensors } = readSafetensors(join(FIXTURES, file));
  return Object.fromEntries(Object.entries(tensors).map(([key, t]) => [key, { dtype: 'F32', shape: t.shape, data: t.data as Float32Array }]));
}

/** Deterministic values in [−scale, scale) (a linear congruential generator), so the projector is the same every run. */
export function seededValues(count: number, seed: number, scale: number): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 32 * 2 - 1) * scale;
  });
}

/** The projector the test folders get: `multi_modal_projector.linear_{1,2}.{weight,bias}`, [out, in] as PyTorch stores them. */
export function projectorTensors(): Record<string, TensorToWrite> {
  const w = (shape: number[], seed: number, scale: number): TensorToWrite => ({ dtype: 'F32', shape, data: seededValues(shape.reduce((a, b) => a * b, 1), seed, scale) });
  return {
    'multi_modal_projector.linear_1.weight': w([WIDTH, WIDTH], 11, 0.2),
    'multi_modal_projector.linear_1.bias': w([WIDTH], 12, 0.1),
    'multi_modal_projector.linear_2.weight': w([WIDTH, WIDTH], 13, 0.2),
    'multi_modal_projector.linear_2.bias': w([WIDTH], 14, 0.1),
  };
}

/** The config.json of the test LLaVA: the fixtures' own configs under vision_config and text_config. */
export function llavaConfig(vision: VisionFixture): Record<string, unknown> {
  const read = (folder: string) => JSON.parse(readFileSync(join(FIXTURES, folder, 'config.json'), 'utf8')) as Record<string, unknown>;
  return {
    architectures: ['LlavaForConditionalGeneration'],
    model_type: 'llava',
    vision_config: read(vision),
    text_config: read('qwen2-lm'),
    image_token_index: IMAGE_TOKEN_ID,
    image_seq_length: vision === 'clip-vision' ? 16 : 15,
    vision_feature_layer: -2,
    vision_feature_select_strategy: 'default',
    projector_hidden_act: 'gelu',
    multimodal_projector_bias: true,
    tie_word_embeddings: true,
    transformers_version: '5.17.0',
  };
}

/** Writes a LLaVA folder into `dir` (created); returns `dir`. */
export function writeLlavaFolder(dir: string, options: LlavaFolderOptions = {}): string {
  const vision = options.vision ?? 'clip-vision';
  const keys = LLAVA_KEYS[options.layout ?? 'transformers-5'];
  mkdirSync(dir, { recursive: true });
  const tensors: Record<string, TensorToWrite> = {};
  for (const [name, t] of Object.entries(fixtureTensors(`${vision}/model.safetensors`))) tensors[keys.visionPrefix + name] = t;
  for (const [name, t] of Object.entries(projectorTensors())) tensors[keys.projectorPrefix + name] = t;
  for (const [name, t] of Object.entries(fixtureTensors('qwen2-lm/model.safetensors'))) tensors[keys.lmKey(name)] = t;
  options.tensors?.(tensors);
  writeWeights(dir, tensors, options.shards ?? 1);
  const config = llavaConfig(vision);
  options.config?.(config);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2));
  copyFileSync(join(FIXTURES, 'tokenizer', 'tokenizer.json'), join(dir, 'tokenizer.json'));
  if (options.processorFiles) writeProcessorFiles(dir);
  if (options.trainedWith) writeFileSync(join(dir, 'training_args.bin'), Buffer.from(`PK\u0003\u0004…ctrl.trainer.${options.trainedWith === 'DPOConfig' ? 'dpo' : 'sft'}_config\n${options.trainedWith}\nq\u0000…`, 'latin1'));
  return dir;
}

function writeWeights(dir: string, tensors: Record<string, TensorToWrite>, shards: number): void {
  if (shards === 1) {
    writeFileSync(join(dir, 'model.safetensors'), writeSafetensors(tensors, { format: 'pt' }));
    return;
  }
  const names = Object.keys(tensors);
  const weightMap: Record<string, string> = {};
  const per = Math.ceil(names.length / shards);
  for (let s = 0; s < shards; s++) {
    const file = `model-${String(s + 1).padStart(5, '0')}-of-${String(shards).padStart(5, '0')}.safetensors`;
    const part = names.slice(s * per, (s + 1) * per);
    for (const name of part) weightMap[name] = file;
    writeFileSync(join(dir, file), writeSafetensors(Object.fromEntries(part.map((name) => [name, tensors[name]!])), { format: 'pt' }));
  }
  writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: 0 }, weight_map: weightMap }));
}

/** The tokenizer's and the CLIP image processor's configurations for the fixtures' 32-pixel images. */
function writeProcessorFiles(dir: string): void {
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ tokenizer_class: 'Qwen2Tokenizer', eos_token: '<|im_end|>', pad_token: '<|endoftext|>' }));
  writeFileSync(join(dir, 'preprocessor_config.json'), JSON.stringify({
    image_processor_type: 'CLIPImageProcessor', do_resize: true, size: { shortest_edge: 32 }, do_center_crop: true, crop_size: { height: 32, width: 32 },
    do_rescale: true, rescale_factor: 1 / 255, do_normalize: true, image_mean: [0.48145466, 0.4578275, 0.40821073], image_std: [0.26862954, 0.26130258, 0.27577711],
  }));
}
