// The MLLM: the image's tokens replace the placeholder (never truncated, never in the loss), gradients reach
// exactly the parts being trained, and a checkpoint folder loads back to the same outputs.
import { defaultImageProcessor } from '../../../../../src-main/engine/models/hf/image-processor';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../../src-main/engine/backend/select';
import * as tf from '../../../../../src-main/engine/backend/tf';
import { shapesTokenizerText } from '../../../../../src-main/engine/data/shapes/tokenizer';
import {
  createPresetMllm,
  createPretrainedMllm,
  readTokenizerFiles,
  loadMllm,
  MLLM_PARTS,
  saveMllm,
  spliceLayout,
  type Mllm,
  type MllmBatch,
} from '../../../../../src-main/engine/models/mllm';
import { buildTrainingExample } from '../../../../../src-main/engine/tokenizer';
import { sftLossOf } from '../../../../../src-main/engine/objectives';
import { removeTemp, tempFolder } from '../../train/helpers';

const dir = tempFolder('mllm');
let model: Mllm;

beforeAll(async () => {
  await selectBackend('cpu');
  model = createPresetMllm('toy', { tokenizerFiles: { 'tokenizer.json': shapesTokenizerText() }, tokenizerSource: 'shapes', seed: 1 });
});
afterAll(() => {
  model.dispose();
  removeTemp(dir);
});

function batchOf(questions: [string, string][]): MllmBatch {
  const size = model.config.imageSize;
  const rows = questions.map(([question, answer], imageIndex) => ({ ...buildTrainingExample(model.tokenizer, { question, answer }), imageIndex }));
  return { pixels: tf.randomNormal([questions.length, 3, size, size], 0, 1, 'float32', 9) as tf.Tensor4D, rows };
}

describe('splicing the image into the prompt', () => {
  it('puts the N image tokens at the placeholder, masks them out of the loss, and right-pads', () => {
    // Row 0 places the image mid-question; row 1 has it first (the TRL default) and is longer.
    const rows = [
      { inputIds: [5, 1, 6, 7], labelsMask: [0, 0, 0, 1], imagePosition: 1, imageIndex: 0 },
      { inputIds: [1, 8, 9, 10, 11], labelsMask: [0, 0, 0, 1, 1], imagePosition: 0, imageIndex: 1 },
    ];
    const layout = spliceLayout(rows, 3, 1, 0);
    expect(layout.length).toBe(7);
    expect(Array.from(layout.inputIds)).toEqual([5, 1, 1, 1, 6, 7, 0, 1, 1, 1, 8, 9, 10, 11]);
    expect(Array.from(layout.labelsMask)).toEqual([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1]);
    expect(Array.from(layout.attentionMask)).toEqual([1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1]);
    // Text rows are the 7 text tokens in order; image i token k is row 7 + 3i + k.
    expect(Array.from(layout.textIds)).toEqual([5, 6, 7, 8, 9, 10, 11]);
    expect(Array.from(layout.sourceRows)).toEqual([0, 7, 8, 9, 1, 2, 0, 10, 11, 12, 3, 4, 5, 6]);
  });

  it('feeds the projected image tokens to the LM at those positions, the token embeddings elsewhere', () => {
    const batch = batchOf([['What colour is the circle?', 'Red.']]);
    const n = model.imageTokenCount;
    const row = batch.rows[0]!;
    const layout = spliceLayout(batch.rows, n, model.tokenizer.imageTokenId, model.padTokenId);
    expect(layout.length).toBe(row.inputIds.length - 1 + n);
    // The LM sees [image tokens; text] when it is given exactly those embeddings.
    const out = model.forward(batch);
    const image = model.imageTokens(batch.pixels!);
    const text = model.lm.embed(tf.tensor2d([row.inputIds.slice(1)], [1, row.inputIds.length - 1], 'int32'));
    const embeds = tf.concat([image, text], 1) as tf.Tensor3D;
    const direct = model.lm.forward({ inputsEmbeds: embeds }).logits;
    expect(Array.from(out.logits.dataSync())).toEqual(Array.from(direct.dataSync()));
    expect(Array.from(out.labelsMask.dataSync()).slice(0, n).every((m) => m === 0)).toBe(true);
    expect(out.labelsMask.sum().dataSync()[0]).toBe(row.labelsMask.reduce((a, b) => a + b, 0));
    tf.dispose([out.logits, out.inputIds, out.labelsMask, image, text, embeds, direct, batch.pixels!]);
  });
});

describe('gradients', () => {
  it('reach every variable of encoder, projector and LM when all are trainable', () => {
    const batch = batchOf([['What colour is the circle?', 'Red.'], ['How many squares are there?', 'There are 2 squares.']]);
    const named = MLLM_PARTS.flatMap((part) => model.namedVariables(part));
    const { value, grads } = tf.variableGrads(() => sftLossOf(model, batch), named.map(([, v]) => v));
    for (const [name, variable] of named) {
      const grad = grads[variable.name];
      expect(grad, name).toBeDefined();
      expect(grad!.abs().max().dataSync()[0], `${name} has a non-zero gradient`).toBeGreaterThan(0);
    }
    // The blocks after the feature layer (−2) are not trained: nothing flows there.
    const trainedEncoder = model.namedVariables('encoder').map(([n]) => n);
    expect(trainedEncoder.some((n) => n.includes('encoder.layers.2.'))).toBe(false);
    expect(trainedEncoder.some((n) => n.includes('post_layernorm'))).toBe(false);
    expect(trainedEncoder).toContain('encoder/encoder.layers.1.mlp.fc2.weight');
    tf.dispose([value, ...Object.values(grads), batch.pixels!]);
  });

  it('are computed only for the parts passed to variableGrads', () => {
    const batch = batchOf([['What colour is the circle?', 'Red.']]);
    const projector = model.variables('projector');
    const { value, grads } = tf.variableGrads(() => sftLossOf(model, batch), projector);
    expect(Object.keys(grads).sort()).toEqual(projector.map((v) => v.name).sort());
    tf.dispose([value, ...Object.values(grads), batch.pixels!]);
  });
});

describe('checkpoint folder', () => {
  it('saves encoder/, lm/, projector.safetensors, tokenizer.json and mllm.json, and loads to identical outputs', async () => {
    const folder = join(dir, 'ckpt');
    await saveMllm(model, folder);
    await saveMllm(model, folder); // replacing an existing checkpoint works too
    const description = JSON.parse(readFileSync(join(folder, 'mllm.json'), 'utf8')) as Record<string, unknown>;
    expect(description).toMatchObject({ format: 'pivot-mllm', vision_feature_layer: -2, image_size: 32, image_seq_length: 16, image_token_index: 1, projector_hidden_act: 'gelu' });
    expect(readFileSync(join(folder, 'tokenizer.json'), 'utf8')).toBe(shapesTokenizerText());
    const loaded = await loadMllm(folder);
    const batch = batchOf([['What shape is the red object?', 'Circle.']]);
    const [a, b] = [model.forward(batch), loaded.forward(batch)];
    expect(Array.from(b.logits.dataSync())).toEqual(Array.from(a.logits.dataSync()));
    expect(loaded.projector.params.specs.map((s) => s.name)).toEqual([
      'multi_modal_projector.linear_1.weight',
      'multi_modal_projector.linear_1.bias',
      'multi_modal_projector.linear_2.weight',
      'multi_modal_projector.linear_2.bias',
    ]);
    tf.dispose([a.logits, a.inputIds, a.labelsMask, b.logits, b.inputIds, b.labelsMask, batch.pixels!]);
    loaded.dispose();
    await expect(loadMllm(dir)).rejects.toThrow(`${dir} is not an MLLM checkpoint: it has no mllm.json`);
  });
});

describe('pretrained parts from Hugging Face folders', () => {
  const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../../../fixtures/hf');

  it('joins a CLIP tower and a Qwen2 LM with a fresh projector, CLIP normalisation, CLS dropped', async () => {
    const tokenizerDir = join(fixtures, 'tokenizer');
    const mllm = await createPretrainedMllm(join(fixtures, 'clip-vision'), join(fixtures, 'qwen2-lm'), {
      tokenizerFiles: readTokenizerFiles(tokenizerDir), tokenizerSource: tokenizerDir, seed: 0,
    });
    expect(mllm.config).toEqual({ featureLayer: -2, selectStrategy: 'default', imageSize: 32, imageProcessor: defaultImageProcessor('clip', 32) });
    expect(mllm.imageTokenCount).toBe(16);
    // Feature layer −2 of a 2-block tower is block 0's output: block 1 and post_layernorm are not trained.
    expect(mllm.namedVariables('encoder').some(([n]) => n.includes('layers.1.') || n.includes('post_layernorm'))).toBe(false);
    const row = { ...buildTrainingExample(mllm.tokenizer, { question: 'what color is the circle?', answer: 'red' }), imageIndex: 0 };
    const pixels = tf.zeros([1, 3, 32, 32]) as tf.Tensor4D;
    const out = mllm.forward({ pixels, rows: [row] });
    expect(out.logits.shape).toEqual([1, row.inputIds.length - 1 + 16, 320]);
    tf.dispose([out.logits, out.inputIds, out.labelsMask, pixels]);
    mllm.dispose();
    await expect(createPretrainedMllm(join(fixtures, 'clip-vision'), join(fixtures, 'clip-vision'), {
      tokenizerFiles: readTokenizerFiles(tokenizerDir), tokenizerSource: tokenizerDir, seed: 0,
    })).rejects.toThrow(/model_type is "clip_vision_model", expected "qwen2"/);
  });
});
