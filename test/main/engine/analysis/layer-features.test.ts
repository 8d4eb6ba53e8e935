// Per-layer features for alignment: a toy CLIP gives its class token after each block, a toy SigLIP
// its mean patch token, a toy Qwen2 its hidden states averaged over real tokens (padding-independent).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { lmLayerFeatures, visionLayerFeatures } from '../../../../src-main/engine/analysis/layer-features';
import { selectBackend } from '../../../../src-main/engine/backend/select';
import { CLIPVisionConfig, CLIPVisionModel, SiglipVisionConfig, SiglipVisionModel } from '../../../../src-main/engine/models/hf';
import { randomInit, readQwen2Config } from '../../../../src-main/engine/models/qwen2';

beforeAll(async () => {
  await selectBackend('cpu');
});

const toy = { hidden_size: 16, intermediate_size: 32, num_hidden_layers: 3, num_attention_heads: 2, image_size: 8, patch_size: 4 };
const images = Array.from({ length: 5 }, (_, i) => Float32Array.from({ length: 3 * 64 }, (_, j) => Math.sin(i * 7 + j)));

describe('vision layer features', () => {
  it('takes the class token of every block output (hidden_states 1..L)', async () => {
    const model = CLIPVisionModel.randomInit(new CLIPVisionConfig(toy), 1);
    const { layers, pooling } = await visionLayerFeatures(model, images, { batchSize: 2 });
    expect(pooling).toBe('class-token');
    expect(layers).toHaveLength(3);
    expect(layers[0]).toHaveLength(5);
    const pixels = tf.tensor4d(Float32Array.from(images.flatMap((im) => [...im])), [5, 3, 8, 8]);
    const states = model.forward(pixels, { outputHiddenStates: true }).hiddenStates as tf.Tensor3D[];
    const expected = (states[2] as tf.Tensor3D).arraySync()[4]?.[0] as number[];
    Array.from(layers[1]?.[4] ?? []).forEach((v, j) => expect(v).toBeCloseTo(expected[j] as number, 5));
    model.dispose();
  });

  it('mean-pools the patch tokens of a tower without a class token', async () => {
    const model = SiglipVisionModel.randomInit(new SiglipVisionConfig(toy), 2);
    const { layers, pooling } = await visionLayerFeatures(model, images);
    expect(pooling).toBe('mean-of-patch-tokens');
    expect(layers.map((l) => l.length)).toEqual([5, 5, 5]);
    expect(layers[2]?.[0]).toHaveLength(16);
    model.dispose();
  });
});

describe('language-model layer features', () => {
  it('averages every hidden state over real tokens, the same padded or alone', async () => {
    const fixture = join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/hf/qwen2-lm/config.json');
    const model = randomInit(readQwen2Config(JSON.parse(readFileSync(fixture, 'utf8')) as Record<string, unknown>), 4);
    const texts = [[5, 9, 13, 2, 7], [11, 3], [17, 19, 23]];
    const together = await lmLayerFeatures(model, texts, { batchSize: 3, padId: 0 });
    const alone = await lmLayerFeatures(model, [texts[1] as number[]], { batchSize: 1 });
    expect(together).toHaveLength(model.config.num_hidden_layers + 1);
    for (const [l, layer] of together.entries()) {
      expect(layer).toHaveLength(3);
      Array.from(layer[1] ?? []).forEach((v, j) => expect(v).toBeCloseTo(alone[l]?.[0]?.[j] as number, 4));
    }
    // Layer 0 is the embedding table's rows, averaged.
    const table = model.parameters.get('model.embed_tokens.weight').arraySync() as number[][];
    Array.from(together[0]?.[1] ?? []).forEach((v, j) => expect(v).toBeCloseTo(((table[11]?.[j] as number) + (table[3]?.[j] as number)) / 2, 5));
    model.dispose();
  });
});
