// Loading and saving Hugging Face folders: configs with HF defaults, prefixed and whole-model
// checkpoints, sharded weights, SigLIP without its head, the exact errors for a missing or
// mis-shaped tensor, save → load.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SafetensorsFile, writeSafetensors, type TensorToWrite } from '../../../../../src-main/engine/io/safetensors';
import {
  CLIPVisionConfig,
  CLIPVisionModel,
  loadVisionModel,
  saveVisionModel,
  SiglipVisionConfig,
  SiglipVisionModel,
  visionConfigFromJSON,
  visionFamily,
} from '../../../../../src-main/engine/models/hf';
import { copyFixture, fixtureDir, loadReference, maxRelativeError } from './helpers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));
function copy(...args: Parameters<typeof copyFixture>): string {
  const { dir, cleanup } = copyFixture(...args);
  cleanups.push(cleanup);
  return dir;
}
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pivot-save-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const withoutKey = (tensors: Record<string, TensorToWrite>, key: string) =>
  Object.fromEntries(Object.entries(tensors).filter(([name]) => name !== key));

describe('vision configs', () => {
  it('fill in transformers defaults for absent fields', () => {
    const clip = CLIPVisionConfig.fromJSON({ model_type: 'clip_vision_model', hidden_size: 1024, num_attention_heads: 16, patch_size: 14 });
    expect(clip).toMatchObject({ hidden_size: 1024, patch_size: 14, image_size: 224, hidden_act: 'quick_gelu', layer_norm_eps: 1e-5, num_hidden_layers: 12 });
    expect(clip.numPatches).toBe(256);
    const siglip = SiglipVisionConfig.fromJSON({});
    expect(siglip).toMatchObject({ patch_size: 16, hidden_act: 'gelu_pytorch_tanh', layer_norm_eps: 1e-6, vision_use_head: true });
  });

  it('take vision_config out of a whole-model config (4.x hub format) and keep unknown fields for export', () => {
    const config = visionConfigFromJSON({
      architectures: ['SiglipModel'],
      model_type: 'siglip',
      text_config: { hidden_size: 1152 },
      vision_config: { hidden_size: 1152, image_size: 384, patch_size: 14, num_hidden_layers: 27, num_attention_heads: 16, intermediate_size: 4304, torch_dtype: 'bfloat16', some_future_field: 1 },
    });
    expect(config).toBeInstanceOf(SiglipVisionConfig);
    // 384 px / 14 px patches: 27 per side, the remainder ignored like HF's conv.
    expect(config.numPatches).toBe(729);
    expect(config.toJSON()).toMatchObject({
      architectures: ['SiglipVisionModel'],
      model_type: 'siglip_vision_model',
      some_future_field: 1,
      torch_dtype: 'float32',
      dtype: 'float32',
    });
    expect(config.toJSON().vision_use_head).toBeUndefined();
  });

  it('reject wrong types and inconsistent sizes with the field named', () => {
    expect(() => CLIPVisionConfig.fromJSON({ hidden_size: '64' })).toThrow('config.json: "hidden_size" must be a number, got "64"');
    expect(() => CLIPVisionConfig.fromJSON({ num_hidden_layers: 1.5 })).toThrow('config.json: "num_hidden_layers" must be a positive integer, got 1.5');
    expect(() => new SiglipVisionConfig({ hidden_size: 10, num_attention_heads: 3 })).toThrow(
      'SiglipVisionConfig: hidden_size 10 is not divisible by num_attention_heads 3',
    );
    expect(() => CLIPVisionConfig.fromJSON({ hidden_act: 'mish' })).toThrow('config.json: Unsupported hidden_act "mish"');
    expect(() => CLIPVisionConfig.fromJSON({ model_type: 'siglip_vision_model' })).toThrow(
      'config.json: model_type is "siglip_vision_model", expected "clip_vision_model"',
    );
  });

  it('reject a bad value as INVALID_CONFIG and another model type as UNSUPPORTED_MODEL, with the file and field', () => {
    expect(() => CLIPVisionConfig.fromJSON({ hidden_size: '64' })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG', details: { file: 'config.json', field: 'hidden_size', value: '64' } }),
    );
    expect(() => CLIPVisionConfig.fromJSON({ hidden_act: 'mish' })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG', details: { file: 'config.json', field: 'hidden_act', value: 'mish' } }),
    );
    expect(() => CLIPVisionConfig.fromJSON({ model_type: 'siglip_vision_model' })).toThrow(
      expect.objectContaining({
        code: 'UNSUPPORTED_MODEL',
        details: { file: 'config.json', modelType: 'siglip_vision_model', supported: ['clip_vision_model'] },
      }),
    );
  });
});

describe('loadVisionModel', () => {
  it('reads a whole CLIPModel checkpoint: vision_model.* weights, vision_config, text tower and logit_scale ignored', async () => {
    const dir = copy(
      'clip-vision',
      (tensors) => ({
        ...Object.fromEntries(Object.entries(tensors).map(([name, t]) => [`vision_model.${name}`, t])),
        'text_model.embeddings.token_embedding.weight': { dtype: 'F32', shape: [10, 8], data: new Float32Array(80) },
        'visual_projection.weight': { dtype: 'F32', shape: [8, 64], data: new Float32Array(512) },
        logit_scale: { dtype: 'F32', shape: [], data: [2.6592] },
      }),
      (vision) => ({
        architectures: ['CLIPModel'],
        model_type: 'clip',
        projection_dim: 8,
        text_config: { model_type: 'clip_text_model', hidden_size: 8 },
        vision_config: { ...vision, architectures: null, model_type: 'clip_vision_model' },
      }),
    );
    const model = await loadVisionModel(dir);
    expect(model).toBeInstanceOf(CLIPVisionModel);
    const reference = loadReference('clip-vision');
    const output = model.forward(reference.pixel_values as tf.Tensor);
    expect(maxRelativeError(output.lastHiddenState, reference.last_hidden_state as tf.Tensor)).toBeLessThanOrEqual(1e-4);
    expect(maxRelativeError(output.poolerOutput as tf.Tensor, reference.pooler_output as tf.Tensor)).toBeLessThanOrEqual(1e-4);
  });

  it('reads sharded weights through model.safetensors.index.json', async () => {
    const dir = copy('siglip-vision');
    const tensors = SafetensorsFile.open(join(dir, 'model.safetensors')).readAll();
    const names = Object.keys(tensors);
    const shard = (part: string[]) =>
      writeSafetensors(Object.fromEntries(part.map((n) => [n, { dtype: 'F32', shape: tensors[n]!.shape, data: tensors[n]!.data as Float32Array }])));
    const [first, second] = [names.slice(0, 20), names.slice(20)];
    writeFileSync(join(dir, 'model-00001-of-00002.safetensors'), shard(first));
    writeFileSync(join(dir, 'model-00002-of-00002.safetensors'), shard(second));
    const weightMap = Object.fromEntries([
      ...first.map((n) => [n, 'model-00001-of-00002.safetensors']),
      ...second.map((n) => [n, 'model-00002-of-00002.safetensors']),
    ]);
    writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }));
    rmSync(join(dir, 'model.safetensors'));
    const model = await loadVisionModel(dir);
    const reference = loadReference('siglip-vision');
    const output = model.forward(reference.pixel_values as tf.Tensor);
    expect(maxRelativeError(output.poolerOutput as tf.Tensor, reference.pooler_output as tf.Tensor)).toBeLessThanOrEqual(1e-4);
  });

  it('names the file, the tensor and the remedy when a tensor is missing', async () => {
    const dir = copy('clip-vision', (t) => withoutKey(t, 'encoder.layers.1.mlp.fc2.bias'));
    await expect(loadVisionModel(dir)).rejects.toThrow(
      `${join(dir, 'model.safetensors')}: tensor "encoder.layers.1.mlp.fc2.bias" is missing (expected shape [64])\n` +
        `These weights do not match ${join(dir, 'config.json')} (CLIPVisionModel: hidden_size 64, intermediate_size 128, ` +
        'num_hidden_layers 2, image_size 32, patch_size 8). Make sure config.json and the safetensors come from the same ' +
        'checkpoint, or re-save the model with save_pretrained.',
    );
  });

  it('names the file, the tensor, both shapes and the remedy when a tensor is mis-shaped', async () => {
    const dir = copy('clip-vision', (t) => ({
      ...t,
      'encoder.layers.0.mlp.fc1.weight': { dtype: 'F32', shape: [64, 128], data: t['encoder.layers.0.mlp.fc1.weight']!.data },
    }));
    await expect(loadVisionModel(dir)).rejects.toThrow(
      `${join(dir, 'model.safetensors')}: tensor "encoder.layers.0.mlp.fc1.weight" has shape [64,128], expected [128,64]\n` +
        `These weights do not match ${join(dir, 'config.json')} (CLIPVisionModel: hidden_size 64, intermediate_size 128, `,
    );
    await expect(loadVisionModel(dir)).rejects.toMatchObject({ code: 'CHECKPOINT_INCOMPATIBLE', details: { file: join(dir, 'model.safetensors') } });
  });

  it('says what it found for a checkpoint that is not a vision tower', async () => {
    const dir = copy('clip-vision', (t) => Object.fromEntries(Object.entries(t).map(([n, v]) => [`model.${n}`, v])));
    await expect(loadVisionModel(dir)).rejects.toThrow(
      `${join(dir, 'model.safetensors')}: no vision-tower weights: expected "embeddings.patch_embedding.weight" or ` +
        '"vision_model.embeddings.patch_embedding.weight", found 39 tensors such as',
    );
    expect(() => visionFamily({ model_type: 'qwen2', architectures: ['Qwen2ForCausalLM'] })).toThrow(
      'config.json: not a CLIP or SigLIP vision model (model_type "qwen2", architectures ["Qwen2ForCausalLM"]).',
    );
    expect(visionFamily({ architectures: ['SiglipModel'] })).toBe('siglip');
    expect(visionFamily({ model_type: 'llava', vision_config: { model_type: 'clip_vision_model' } })).toBe('clip');
  });

  it('loads a SigLIP tower without its MAP head: same last_hidden_state, no pooler', async () => {
    const dir = copy('siglip-vision', (t) => Object.fromEntries(Object.entries(t).filter(([n]) => !n.startsWith('head.'))));
    const model = (await loadVisionModel(dir)) as SiglipVisionModel;
    expect(model.config.vision_use_head).toBe(false);
    expect(model.params.has('head.probe')).toBe(false);
    const reference = loadReference('siglip-vision');
    const output = model.forward(reference.pixel_values as tf.Tensor);
    expect(output.poolerOutput).toBeUndefined();
    expect(maxRelativeError(output.lastHiddenState, reference.last_hidden_state as tf.Tensor)).toBeLessThanOrEqual(1e-4);
  });
});

describe('saveVisionModel', () => {
  it.each(['clip-vision', 'siglip-vision'] as const)('%s: save → load reproduces the outputs bit for bit and keeps config fields', async (name) => {
    const original = await loadVisionModel(fixtureDir(name));
    const out = tempDir();
    await saveVisionModel(original, out);
    const file = SafetensorsFile.open(join(out, 'model.safetensors'));
    expect(file.header.metadata).toEqual({ format: 'pt' });
    const fixtureFile = SafetensorsFile.open(join(fixtureDir(name), 'model.safetensors'));
    expect(file.names()).toEqual(fixtureFile.names());
    for (const tensor of fixtureFile.names()) {
      expect(Array.from(file.read(tensor).data), tensor).toEqual(Array.from(fixtureFile.read(tensor).data));
    }
    const savedConfig = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    const fixtureConfig = JSON.parse(readFileSync(join(fixtureDir(name), 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(savedConfig).toMatchObject(fixtureConfig);

    const reloaded = await loadVisionModel(out);
    const pixels = loadReference(name).pixel_values as tf.Tensor;
    const [a, b] = [original.forward(pixels), reloaded.forward(pixels)];
    expect(Array.from(b.lastHiddenState.dataSync())).toEqual(Array.from(a.lastHiddenState.dataSync()));
    expect(Array.from(b.poolerOutput!.dataSync())).toEqual(Array.from(a.poolerOutput!.dataSync()));
  });

  it('writes a whole-model CLIP checkpoint back as a CLIPVisionModel in the transformers-5 format', async () => {
    const dir = copy(
      'clip-vision',
      (tensors) => Object.fromEntries(Object.entries(tensors).map(([name, t]) => [`vision_model.${name}`, t])),
      (vision) => ({ architectures: ['CLIPModel'], model_type: 'clip', vision_config: vision }),
    );
    const out = tempDir();
    await saveVisionModel(await loadVisionModel(dir), out);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({ architectures: ['CLIPVisionModel'], model_type: 'clip_vision_model', hidden_size: 64 });
    expect(config.vision_config).toBeUndefined();
    expect(SafetensorsFile.open(join(out, 'model.safetensors')).names().every((n) => !n.startsWith('vision_model.'))).toBe(true);
  });
});
