// Loading a Hugging Face LLaVA folder: both transformers layouts, single or sharded, the config fields honoured,
// and every mismatch refused with an error that names the file and the field or tensor.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../../src-main/engine/backend/select';
import * as tf from '../../../../../src-main/engine/backend/tf';
import { readSafetensors, writeSafetensorsFolder, type TensorToWrite } from '../../../../../src-main/engine/io/safetensors';
import { isLlavaFolder, loadLlava } from '../../../../../src-main/engine/models/llava';
import type { Mllm } from '../../../../../src-main/engine/models/mllm';
import { removeTemp, tempFolder } from '../../train/helpers';
import { loadReference } from '../vision/helpers';
import { IMAGE_TOKEN_ID, writeLlavaFolder } from '../../../../helpers/llava-folder';

const root = tempFolder('llava-load');
let n = 0;
const folder = (options: Parameters<typeof writeLlavaFolder>[1] = {}) => writeLlavaFolder(join(root, `m${n++}`), options);

beforeAll(async () => {
  await selectBackend('cpu');
});
afterAll(() => removeTemp(root));

/** Every weight of a model, by part and name. */
function weights(model: Mllm): Record<string, Float32Array> {
  const all: Record<string, Float32Array> = {};
  for (const [tag, params] of [['encoder', model.encoder.params], ['projector', model.projector.params], ['lm', model.lm.parameters]] as const) {
    for (const spec of params.specs) all[`${tag}/${spec.name}`] = params.get(spec.name).dataSync() as Float32Array;
  }
  return all;
}

async function expectError(promise: Promise<unknown>, code: string, ...parts: string[]): Promise<void> {
  const error = await promise.then(() => null, (err: unknown) => err as { code: string; message: string });
  expect(error?.code).toBe(code);
  for (const part of parts) expect(error?.message).toContain(part);
}

describe('a LLaVA folder', () => {
  it('loads in the transformers 4.x and 5 layouts and, sharded, to the same weights and config', async () => {
    const v5 = folder({ layout: 'transformers-5' });
    const v4 = folder({ layout: 'transformers-4' });
    const sharded = join(root, 'sharded');
    const source = readSafetensors(join(v5, 'model.safetensors')).tensors;
    mkdirSync(sharded);
    const writable = Object.fromEntries(Object.entries(source).map(([k, t]) => [k, { dtype: 'F32', shape: t.shape, data: t.data as Float32Array } as TensorToWrite]));
    const files = await writeSafetensorsFolder(sharded, writable, { format: 'pt' }, 200_000);
    expect(files).toContain('model.safetensors.index.json');
    expect(files.length).toBeGreaterThan(3);
    for (const name of ['config.json', 'tokenizer.json']) copyFileSync(join(v5, name), join(sharded, name));

    expect(isLlavaFolder(v5)).toBe(true);
    const models = [await loadLlava(v5), await loadLlava(v4), await loadLlava(sharded)];
    const [a, b, c] = models.map(weights);
    expect(Object.keys(a!).length).toBe(Object.keys(b!).length);
    for (const other of [b!, c!]) for (const [name, values] of Object.entries(a!)) expect(other[name], name).toEqual(values);
    expect(models.map((m) => m.origin?.layout)).toEqual(['transformers-5', 'transformers-4', 'transformers-5']);
    const model = models[0]!;
    expect(model.config).toMatchObject({ featureLayer: -2, selectStrategy: 'default', imageSize: 32 });
    expect(model.imageTokenCount).toBe(16);
    expect(model.tokenizer.imageTokenId).toBe(IMAGE_TOKEN_ID);
    expect(model.lm.config.tie_word_embeddings).toBe(true);
    models.forEach((m) => m.dispose());
  });

  it("honours vision_feature_layer and 'full': the layer's every token, class token included", async () => {
    const model = await loadLlava(folder({ config: (c) => Object.assign(c, { vision_feature_layer: 1, vision_feature_select_strategy: 'full', image_seq_length: 17 }) }));
    const ref = loadReference('clip-vision');
    const features = model.imageFeatures(ref.pixel_values as tf.Tensor4D);
    expect(features.shape).toEqual([3, 17, 64]);
    expect(Math.max(...Array.from(tf.sub(features, ref['hidden_states.1']!).abs().dataSync()))).toBeLessThan(1e-4);
    expect(model.imageTokenCount).toBe(17);
    model.dispose();
  });

  it('refuses a list of feature layers, another LM, an act other than gelu, with the field named', async () => {
    await expectError(loadLlava(folder({ config: (c) => (c.vision_feature_layer = [-2, -1]) })), 'UNSUPPORTED_MODEL', 'config.json', '"vision_feature_layer" is a list ([-2,-1])');
    await expectError(loadLlava(folder({ config: (c) => ((c.text_config as Record<string, unknown>).model_type = 'llama') })), 'UNSUPPORTED_MODEL', 'the language model is "llama"');
    await expectError(loadLlava(folder({ config: (c) => (c.projector_hidden_act = 'relu') })), 'UNSUPPORTED_MODEL', '"projector_hidden_act" is "relu"');
    await expectError(loadLlava(folder({ config: (c) => (c.vision_feature_select_strategy = 'cls') })), 'UNSUPPORTED_MODEL', '"vision_feature_select_strategy" is "cls"');
  });

  it('refuses an image_token_index other than the tokenizer\'s <image> id, naming both', async () => {
    const dir = folder({ config: (c) => (c.image_token_index = 32000) });
    await expectError(loadLlava(dir), 'CHECKPOINT_INCOMPATIBLE', join(dir, 'config.json'), 'image_token_index is 32000', `gives "<image>" the id ${IMAGE_TOKEN_ID}`);
  });

  it('refuses an image_seq_length the vision tower does not give', async () => {
    await expectError(loadLlava(folder({ config: (c) => (c.image_seq_length = 576) })), 'CHECKPOINT_INCOMPATIBLE', 'image_seq_length is 576 but the vision tower gives 16 image tokens');
  });

  it('names the file and the tensor of a missing or mis-shaped weight, in each part', async () => {
    const dir = folder({ layout: 'transformers-4', tensors: (t) => void delete t['language_model.model.layers.1.mlp.up_proj.weight'] });
    await expectError(loadLlava(dir), 'CHECKPOINT_INCOMPATIBLE', join(dir, 'model.safetensors'), 'tensor "language_model.model.layers.1.mlp.up_proj.weight" is missing');
    await expectError(loadLlava(folder({ tensors: (t) => void delete t['model.multi_modal_projector.linear_2.bias'] })), 'CHECKPOINT_INCOMPATIBLE', 'tensor "model.multi_modal_projector.linear_2.bias" is missing', '"multimodal_projector_bias": false');
    const shaped = folder({ tensors: (t) => void (t['model.vision_tower.vision_model.post_layernorm.weight'] = { dtype: 'F32', shape: [32], data: new Float32Array(32) }) });
    await expectError(loadLlava(shaped), 'CHECKPOINT_INCOMPATIBLE', 'tensor "model.vision_tower.vision_model.post_layernorm.weight" has shape [32], expected [64]');
  });

  it('refuses a tokenizer larger than the LM\'s vocabulary', async () => {
    const dir = folder({
      config: (c) => ((c.text_config as Record<string, unknown>).vocab_size = 50),
      tensors: (t) => void (t['model.language_model.embed_tokens.weight'] = { dtype: 'F32', shape: [50, 64], data: new Float32Array(50 * 64) }),
    });
    await expectError(loadLlava(dir), 'CHECKPOINT_INCOMPATIBLE', `${join(dir, 'tokenizer.json')} has 104 tokens but the LM's vocab_size is 50`);
  });

  it('loads a projector without biases when multimodal_projector_bias is false', async () => {
    const dir = folder({
      config: (c) => (c.multimodal_projector_bias = false),
      tensors: (t) => { delete t['model.multi_modal_projector.linear_1.bias']; delete t['model.multi_modal_projector.linear_2.bias']; },
    });
    const model = await loadLlava(dir);
    expect(model.projector.hasBias).toBe(false);
    expect(model.projector.params.specs.map((s) => s.name)).toEqual(['multi_modal_projector.linear_1.weight', 'multi_modal_projector.linear_2.weight']);
    model.dispose();
  });

  it('is not mistaken for a vision or LM folder', () => {
    const dir = folder();
    const json = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...json, model_type: 'qwen2', architectures: ['Qwen2ForCausalLM'] }));
    expect(isLlavaFolder(dir)).toBe(false);
  });
});
