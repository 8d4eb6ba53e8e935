// Saving an MLLM as a LLaVA folder: the layout and the files it came with, config fields kept, shards with an
// index over the size limit, re-loaded and compared before the folder is replaced; a preset saves as one too.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../../src-main/engine/backend/select';
import * as tf from '../../../../../src-main/engine/backend/tf';
import { shapesTokenizerText } from '../../../../../src-main/engine/data/shapes/tokenizer';
import { readSafetensors } from '../../../../../src-main/engine/io/safetensors';
import { loadLlava, saveLlava } from '../../../../../src-main/engine/models/llava';
import { createPresetMllm, loadMllm, saveMllm, type Mllm } from '../../../../../src-main/engine/models/mllm';
import { buildTrainingExample } from '../../../../../src-main/engine/tokenizer';
import { removeTemp, tempFolder } from '../../train/helpers';
import { writeLlavaFolder } from '../../../../helpers/llava-folder';

const root = tempFolder('llava-save');
const TEMPLATE = "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n{% endfor %}";

beforeAll(async () => {
  await selectBackend('cpu');
});
afterAll(() => removeTemp(root));

const keysOf = (dir: string): string[] => Object.keys(readSafetensors(join(dir, 'model.safetensors')).tensors).sort();
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

describe('saving a LLaVA folder', () => {
  it('keeps the layout, config fields and files it was loaded with, and the weights as trained', async () => {
    const source = writeLlavaFolder(join(root, 'source4'), { layout: 'transformers-4', config: (c) => (c.custom_field = 'kept') });
    writeFileSync(join(source, 'chat_template.jinja'), TEMPLATE);
    writeFileSync(join(source, 'preprocessor_config.json'), JSON.stringify({ image_processor_type: 'CLIPImageProcessor', processor_class: 'LlavaProcessor', image_mean: [0.1, 0.2, 0.3], image_std: [0.5, 0.5, 0.5], crop_size: { height: 32, width: 32 } }));
    const model = await loadLlava(source);
    expect(model.config.imageProcessor.normalize?.mean).toEqual([0.1, 0.2, 0.3]);
    // A training step's worth of change in the LM.
    const norm = model.lm.parameters.get('model.norm.weight');
    norm.assign(tf.fill(norm.shape, 1.5));
    const out = join(root, 'out4');
    const saved = await saveLlava(model, out);
    expect(saved.files).toEqual(['chat_template.jinja', 'config.json', 'model.safetensors', 'preprocessor_config.json', 'processor_config.json', 'tokenizer.json']);
    expect(keysOf(out)).toEqual(keysOf(source));
    expect(readFileSync(join(out, 'chat_template.jinja'), 'utf8')).toBe(TEMPLATE);
    expect(readFileSync(join(out, 'tokenizer.json'))).toEqual(readFileSync(join(source, 'tokenizer.json')));
    const config = json(join(out, 'config.json'));
    expect(config).toMatchObject({ model_type: 'llava', custom_field: 'kept', image_token_index: 3, image_seq_length: 16, vision_feature_layer: -2, vision_feature_select_strategy: 'default', multimodal_projector_bias: true, dtype: 'float32' });
    expect(json(join(out, 'preprocessor_config.json'))).toMatchObject({ processor_class: 'LlavaProcessor', image_mean: [0.1, 0.2, 0.3], crop_size: { height: 32, width: 32 } });
    const back = await loadLlava(out);
    expect(back.origin?.layout).toBe('transformers-4');
    expect(Array.from(back.lm.parameters.get('model.norm.weight').dataSync())).toEqual(new Array(64).fill(1.5));
    back.dispose();
    model.dispose();
  });

  it('writes shards and model.safetensors.index.json over the size limit, which load back', async () => {
    const model = await loadLlava(writeLlavaFolder(join(root, 'source5')));
    const out = join(root, 'sharded');
    const saved = await saveLlava(model, out, { maxShardBytes: 300_000 });
    const index = json(join(out, 'model.safetensors.index.json')) as { metadata: { total_size: number }; weight_map: Record<string, string> };
    const shards = [...new Set(Object.values(index.weight_map))].sort();
    expect(shards).toEqual(['model-00001-of-00003.safetensors', 'model-00002-of-00003.safetensors', 'model-00003-of-00003.safetensors']);
    expect(saved.files).toEqual(expect.arrayContaining([...shards, 'model.safetensors.index.json']));
    expect(existsSync(join(out, 'model.safetensors'))).toBe(false);
    const bytes = shards.map((f) => Object.values(readSafetensors(join(out, f)).tensors).reduce((s, t) => s + t.data.length * 4, 0));
    expect(bytes.every((b) => b <= 300_000)).toBe(true);
    expect(bytes.reduce((a, b) => a + b)).toBe(index.metadata.total_size);
    expect(Object.keys(index.weight_map)).toContain('model.language_model.embed_tokens.weight');
    const back = await loadLlava(out);
    expect(Array.from(back.projector.params.get('multi_modal_projector.linear_1.weight').dataSync())).toEqual(Array.from(model.projector.params.get('multi_modal_projector.linear_1.weight').dataSync()));
    back.dispose();
    model.dispose();
  });

  it('keeps the old folder whole when the written one does not load back equal', async () => {
    const model = await loadLlava(writeLlavaFolder(join(root, 'source-nan')));
    const out = join(root, 'kept');
    await saveLlava(model, out);
    const before = readFileSync(join(out, 'model.safetensors'));
    const weight = model.projector.params.get('multi_modal_projector.linear_2.bias');
    weight.assign(tf.fill(weight.shape, Number.NaN));
    const error = await saveLlava(model, out).catch((err: unknown) => err as { code: string; message: string });
    expect(error).toMatchObject({ code: 'INVALID_DATA' });
    expect((error as { message: string }).message).toContain('tensor "model.multi_modal_projector.linear_2.bias" holds NaN');
    expect(readFileSync(join(out, 'model.safetensors'))).toEqual(before);
    expect(readdirSync(root).filter((name) => name.startsWith('.kept'))).toEqual([]);
    model.dispose();
  });

  it('saves a preset model as a transformers 5 LLaVA folder that gives the same logits', async () => {
    const model = createPresetMllm('toy', { tokenizerFiles: { 'tokenizer.json': shapesTokenizerText() }, tokenizerSource: 'shapes', seed: 2 });
    const out = join(root, 'preset');
    await saveLlava(model, out);
    expect(keysOf(out)).toContain('model.vision_tower.vision_model.embeddings.patch_embedding.weight');
    expect(keysOf(out)).not.toContain('lm_head.weight');
    expect(json(join(out, 'config.json'))).toMatchObject({ vision_feature_select_strategy: 'full', image_seq_length: 16, tie_word_embeddings: true });
    expect(json(join(out, 'processor_config.json'))).toMatchObject({ patch_size: 8, num_additional_image_tokens: 0, vision_feature_select_strategy: 'full' });
    const back = await loadLlava(out);
    const row = { ...buildTrainingExample(model.tokenizer, { question: 'What colour is the circle?', answer: 'Red.' }), imageIndex: 0 };
    const pixels = tf.randomNormal([1, 3, 32, 32], 0, 1, 'float32', 3) as tf.Tensor4D;
    const [a, b] = [model, back].map((m) => Array.from(m.forward({ pixels, rows: [row] }).logits.dataSync()));
    expect(b).toEqual(a);
    // Its training checkpoint keeps where it came from, so the run's final model saves back as the same folder.
    await saveMllm(back, join(root, 'checkpoint'));
    const reopened: Mllm = await loadMllm(join(root, 'checkpoint'));
    expect(reopened.origin?.layout).toBe('transformers-5');
    expect(reopened.origin?.files['processor_config.json']).toBe(readFileSync(join(out, 'processor_config.json'), 'utf8'));
    expect(reopened.config.selectStrategy).toBe('full');
    [model, back, reopened].forEach((m) => m.dispose());
  });
});
