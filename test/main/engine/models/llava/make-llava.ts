// Builds small LLaVA folders for the tests from the shared fixtures (CLIP or SigLIP vision, Qwen2 LM, tokenizer)
// and a seeded projector, in either transformers layout — as test/fixtures/make-llava-fixture.py does in Python.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSafetensors, writeSafetensors, type TensorToWrite } from '../../../../../src-main/engine/io/safetensors';
import { LLAVA_KEYS } from '../../../../../src-main/engine/models/llava';
import type { LlavaLayout } from '../../../../../src-main/engine/models/mllm/config';
import { FIXTURES } from '../vision/helpers';

export type VisionFixture = 'clip-vision' | 'siglip-vision';

export interface LlavaFolderOptions {
  vision?: VisionFixture;
  layout?: LlavaLayout;
  /** Edits the config.json object before it is written. */
  config?: (json: Record<string, unknown>) => void;
  /** Edits the tensors before they are written. */
  tensors?: (tensors: Record<string, TensorToWrite>) => void;
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
  writeFileSync(join(dir, 'model.safetensors'), writeSafetensors(tensors, { format: 'pt' }));
  const config = llavaConfig(vision);
  options.config?.(config);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2));
  copyFileSync(join(FIXTURES, 'tokenizer', 'tokenizer.json'), join(dir, 'tokenizer.json'));
  return dir;
}
