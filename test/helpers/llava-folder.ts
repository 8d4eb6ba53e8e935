// Test helper: a tiny LLaVA folder as transformers' save_pretrained (and so TRL's sft.py / dpo.py) writes it, made
// from the shared fixtures' CLIP vision tower and Qwen2 LM with a fresh projector, in either weight layout, in one
// safetensors file or sharded with an index.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { SafetensorsFile, writeSafetensors, type TensorToWrite } from '../../src-main/engine/io/safetensors';

const FIXTURES = fileURLToPath(new URL('../fixtures/hf', import.meta.url));

export interface LlavaFolderOptions {
  layout: 'transformers-4' | 'transformers-5';
  /** 1: model.safetensors; more: model-0000i-of-0000n.safetensors + model.safetensors.index.json. */
  shards: number;
  /** training_args.bin naming this TRL config class, as the Trainer's pickle does (not a real pickle). */
  trainedWith?: 'SFTConfig' | 'DPOConfig';
}

function tensorsOf(file: string, key: (name: string) => string): Record<string, TensorToWrite> {
  const source = SafetensorsFile.open(file);
  const tensors: Record<string, TensorToWrite> = {};
  for (const name of source.names()) {
    const t = source.read(name);
    tensors[key(name)] = { dtype: t.dtype === 'int32' ? 'I32' : 'F32', shape: t.shape, data: t.data };
  }
  return tensors;
}

/** The fixture CLIP's tensor names: `vision_model.` is left out by transformers 5 (fixtures README). */
export const FIXTURE_VISION = join(FIXTURES, 'clip-vision', 'model.safetensors');

export function writeLlavaFolder(dir: string, options: LlavaFolderOptions): Record<string, TensorToWrite> {
  mkdirSync(dir, { recursive: true });
  const t5 = options.layout === 'transformers-5';
  const projector = (name: string, shape: number[]): [string, TensorToWrite] => [
    `${t5 ? 'model.' : ''}multi_modal_projector.${name}`,
    { dtype: 'F32', shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i) / 10) },
  ];
  const tensors: Record<string, TensorToWrite> = {
    ...tensorsOf(FIXTURE_VISION, (name) => `${t5 ? 'model.' : ''}vision_tower.vision_model.${name}`),
    ...Object.fromEntries([projector('linear_1.weight', [64, 64]), projector('linear_1.bias', [64]), projector('linear_2.weight', [64, 64]), projector('linear_2.bias', [64])]),
    ...tensorsOf(join(FIXTURES, 'qwen2-lm', 'model.safetensors'), (name) => (t5 ? `model.language_model.${name.replace(/^model\./, '')}` : `language_model.${name}`)),
  };
  const names = Object.keys(tensors);
  if (options.shards === 1) {
    writeFileSync(join(dir, 'model.safetensors'), writeSafetensors(tensors, { format: 'pt' }));
  } else {
    const weightMap: Record<string, string> = {};
    const per = Math.ceil(names.length / options.shards);
    for (let s = 0; s < options.shards; s++) {
      const file = `model-${String(s + 1).padStart(5, '0')}-of-${String(options.shards).padStart(5, '0')}.safetensors`;
      const part = names.slice(s * per, (s + 1) * per);
      for (const name of part) weightMap[name] = file;
      writeFileSync(join(dir, file), writeSafetensors(Object.fromEntries(part.map((name) => [name, tensors[name]!])), { format: 'pt' }));
    }
    writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: 0 }, weight_map: weightMap }));
  }
  const config = (name: string) => JSON.parse(readFileSync(join(FIXTURES, name, 'config.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(dir, 'config.json'), JSON.stringify({
    architectures: ['LlavaForConditionalGeneration'],
    model_type: 'llava',
    image_token_index: 3,
    projector_hidden_act: 'gelu',
    vision_feature_layer: -2,
    vision_feature_select_strategy: 'default',
    vision_config: config('clip-vision'),
    text_config: config('qwen2-lm'),
  }, null, 2));
  copyFileSync(join(FIXTURES, 'tokenizer', 'tokenizer.json'), join(dir, 'tokenizer.json'));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ tokenizer_class: 'Qwen2Tokenizer', eos_token: '<|im_end|>', pad_token: '<|endoftext|>' }));
  writeFileSync(join(dir, 'preprocessor_config.json'), JSON.stringify({
    image_processor_type: 'CLIPImageProcessor', do_resize: true, size: { shortest_edge: 32 }, do_center_crop: true, crop_size: { height: 32, width: 32 },
    do_rescale: true, rescale_factor: 1 / 255, do_normalize: true, image_mean: [0.48145466, 0.4578275, 0.40821073], image_std: [0.26862954, 0.26130258, 0.27577711],
  }));
  if (options.trainedWith) writeFileSync(join(dir, 'training_args.bin'), Buffer.from(`PK\u0003\u0004…ctrl.trainer.${options.trainedWith === 'DPOConfig' ? 'dpo' : 'sft'}_config\n${options.trainedWith}\nq\u0000…`, 'latin1'));
  return tensors;
}
