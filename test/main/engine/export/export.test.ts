// One-click export: a trained run (shapes-quick, both branches) and a wrapped Hugging Face encoder exported as
// folders transformers loads: bit-identical features on re-load, exact config and processor fields, the original
// config's fields kept, the projector under LLaVA's names, the model card's recipe and its "not measured".
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../src-main/engine/backend/select';
import * as tf from '../../../../src-main/engine/backend/tf';
import { exportEncoder, sourceFromRun } from '../../../../src-main/engine/export';
import { SafetensorsFile } from '../../../../src-main/engine/io/safetensors';
import { loadVisionModel } from '../../../../src-main/engine/models/hf';
import { createPretrainedMllm, loadMllm, readTokenizerFiles, saveMllm } from '../../../../src-main/engine/models/mllm';
import { train } from '../../../../src-main/engine/train';
import { removeTemp, tempFolder } from '../train/helpers';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/hf', import.meta.url));
const root = tempFolder('export');
const runDir = join(root, 'run');

beforeAll(async () => {
  // The real pipeline, both branches in one run folder: align → instruct → sft, then dpo from instruct.
  await train({ recipe: 'shapes-quick', runDir, backend: 'wasm', objective: 'sft' });
  await train({ recipe: 'shapes-quick', runDir, backend: 'wasm', objective: 'dpo' });
  await selectBackend('cpu');
}, 60_000);
afterAll(() => removeTemp(root));

/** The patch features an MLLM takes from a tower, as numbers. */
function features(model: Awaited<ReturnType<typeof loadVisionModel>>, layer: number): Float32Array {
  const size = model.config.image_size;
  const pixels = tf.randomNormal([2, 3, size, size], 0, 1, 'float32', 11);
  const f = model.featuresFromLayer(pixels, layer);
  const out = Float32Array.from(f.dataSync());
  tf.dispose([pixels, f]);
  return out;
}

describe('choosing the checkpoint of a run', () => {
  it('asks which branch when both were trained, and takes the named one', () => {
    expect(() => sourceFromRun(runDir)).toThrow(/both an sft and a dpo branch/);
    expect(sourceFromRun(runDir, { objective: 'dpo' })).toMatchObject({ stage: 'dpo', step: 8, objective: 'dpo', checkpoint: join(runDir, 'checkpoints/dpo-8') });
    expect(sourceFromRun(runDir, { stage: 'instruct' })).toMatchObject({ stage: 'instruct', objective: null });
  });
});

describe('exporting a trained run', () => {
  it('writes an HF folder whose re-loaded encoder gives the run\'s features exactly', async () => {
    const out = join(root, 'pivot-dpo');
    const report = await exportEncoder({ runDir, objective: 'dpo', out, withProjector: true });
    expect(report).toMatchObject({ out, stage: 'dpo', objective: 'dpo', architecture: 'SiglipVisionModel', modelType: 'siglip_vision_model', maxRelativeError: 0, withProjector: true });
    expect(report.files).toEqual(['README.md', 'config.json', 'model.safetensors', 'preprocessor_config.json', 'projector.safetensors']);
    expect(readdirSync(root).filter((n) => n.includes('.export-'))).toEqual([]);
    // The card: the stages that led to the dpo branch (not the sft branch), DPO's β, and what DPO trained with.
    const card = readFileSync(join(out, 'README.md'), 'utf8');
    expect(card).toMatch(/\| dpo ← exported \| dpo \| [^|]+ \| [^|]+ \| [^|]+ \| [^|]+ \| 0\.1 \| 8\/8 \|/);
    expect(card).not.toMatch(/\| sft \| sft \|/);
    expect(card).toContain('DPO (sigmoid loss, β = 0.1, no SFT term): summed answer-token log-probs');

    const mllm = await loadMllm(join(runDir, 'checkpoints/dpo-8'));
    const exported = await loadVisionModel(out);
    expect(Array.from(features(exported, -2))).toEqual(Array.from(features(mllm.encoder, -2)));

    // config.json: the tower's own config, as transformers reads it.
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toEqual(mllm.encoder.config.toJSON());
    expect(config).toMatchObject({
      architectures: ['SiglipVisionModel'], model_type: 'siglip_vision_model', hidden_size: 64, intermediate_size: 128, num_hidden_layers: 3,
      num_attention_heads: 4, image_size: 32, patch_size: 8, num_channels: 3, hidden_act: 'gelu_pytorch_tanh', layer_norm_eps: 1e-6, vision_use_head: false, dtype: 'float32',
    });
    expect(JSON.parse(readFileSync(join(out, 'preprocessor_config.json'), 'utf8'))).toEqual({
      do_convert_rgb: true, do_normalize: true, do_rescale: true, do_resize: true, image_mean: [0.5, 0.5, 0.5], image_processor_type: 'SiglipImageProcessor',
      image_std: [0.5, 0.5, 0.5], resample: 3, rescale_factor: 1 / 255, size: { height: 32, width: 32 },
    });

    // Weights: transformers-5 names (no vision_model. prefix), float32, format pt; the projector under LLaVA's names.
    const weights = SafetensorsFile.open(join(out, 'model.safetensors'));
    expect(weights.metadata()).toEqual({ format: 'pt' });
    expect(weights.names()).toContain('embeddings.patch_embedding.weight');
    expect(weights.names().every((n) => !n.startsWith('vision_model.') && weights.info(n).dtype === 'F32')).toBe(true);
    const projector = SafetensorsFile.open(join(out, 'projector.safetensors'));
    expect(projector.names().sort()).toEqual(['multi_modal_projector.linear_1.bias', 'multi_modal_projector.linear_1.weight', 'multi_modal_projector.linear_2.bias', 'multi_modal_projector.linear_2.weight']);
    const trained = await mllm.projector.params.toHf();
    expect(Array.from(projector.read('multi_modal_projector.linear_1.weight').data)).toEqual(Array.from(trained['multi_modal_projector.linear_1.weight']!.data));
    exported.dispose();
    mllm.dispose();
  });

  it('writes a model card with the recipe stages that led to it and "not measured" without measurements', async () => {
    const out = join(root, 'pivot-sft');
    await exportEncoder({ runDir, objective: 'sft', out });
    const card = readFileSync(join(out, 'README.md'), 'utf8');
    expect(card.startsWith('---\nlibrary_name: transformers\n')).toBe(true);
    expect(card).toMatch(/tags:\n- vision\n- pivot\n- sft\n---/);
    expect(card).not.toContain('base_model:'); // a preset has no Hub origin, and none is invented
    expect(card).toMatch(/\| align \| caption \| projector \| 0\.001 \| 3 steps \| 8 × 1 \| — \| 3\/3 \|/);
    expect(card).toMatch(/\| instruct \| instruct \| encoder, projector, lm \| 0\.001 \(encoder 0\.0002\) \| 6 steps/);
    expect(card).toMatch(/\| sft ← exported \| sft \|/);
    expect(card).not.toMatch(/\| dpo/); // the other branch did not lead here
    expect(card).toContain('Not measured');
    expect(card).toContain('SFT: cross-entropy');
    expect(card).toContain('SiglipVisionModel.from_pretrained');
  });

  it('puts given measurements and their deltas in the card, and refuses a non-empty folder unless forced', async () => {
    const out = join(root, 'pivot-sft');
    await expect(exportEncoder({ runDir, objective: 'sft', out })).rejects.toThrow(/is not empty; .* --force/);
    const measurements = { source: 'report.json', results: [{ metric: 'linear probe top-1', original: 50, trained: 52.5, unit: '%' }, { metric: 'focus', trained: 0.4 }] };
    await exportEncoder({ runDir, objective: 'sft', out, force: true, measurements });
    const card = readFileSync(join(out, 'README.md'), 'utf8');
    expect(card).toContain('| linear probe top-1 | 50 % | 52.5 % | +2.5 % |');
    expect(card).toContain('| focus | not measured | 0.4 | not measured |');
    expect(card).not.toContain('Not measured: no probe');
  });

  it('never replaces the folder it exports from', async () => {
    await expect(exportEncoder({ runDir, objective: 'sft', out: runDir, force: true })).rejects.toThrow(/holds the checkpoint being exported/);
    expect(existsSync(join(runDir, 'state.json'))).toBe(true);
  });
});

describe('exporting a wrapped Hugging Face encoder', () => {
  it('keeps every field of the original config.json and writes CLIP\'s processor config', async () => {
    const clipDir = join(FIXTURES, 'clip-vision');
    const tokenizerDir = join(FIXTURES, 'tokenizer');
    const mllm = await createPretrainedMllm(clipDir, join(FIXTURES, 'qwen2-lm'), { tokenizerFiles: readTokenizerFiles(tokenizerDir), tokenizerSource: tokenizerDir, seed: 0 });
    const checkpoint = join(root, 'clip-mllm');
    await saveMllm(mllm, checkpoint);
    const out = join(root, 'clip-export');
    mkdirSync(out); // an empty folder is fine
    const report = await exportEncoder({ checkpoint, out });
    expect(report).toMatchObject({ architecture: 'CLIPVisionModel', runDir: null, stage: null, objective: null, maxRelativeError: 0 });
    const original = JSON.parse(readFileSync(join(clipDir, 'config.json'), 'utf8')) as Record<string, unknown>;
    const written = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(written).toEqual(original);
    expect(JSON.parse(readFileSync(join(out, 'preprocessor_config.json'), 'utf8'))).toEqual({
      // CLIPImageProcessor's defaults at the encoder's size: the fixture folder has no preprocessor_config.json.
      crop_size: { height: 32, width: 32 }, do_center_crop: true, do_convert_rgb: true, do_normalize: true, do_rescale: true, do_resize: true,
      image_mean: [0.48145466, 0.4578275, 0.40821073], image_processor_type: 'CLIPImageProcessor', image_std: [0.26862954, 0.26130258, 0.27577711],
      resample: 3, rescale_factor: 1 / 255, size: { shortest_edge: 32 },
    });
    const reloaded = await loadVisionModel(out);
    const fixture = await loadVisionModel(clipDir);
    expect(Array.from(features(reloaded, -1))).toEqual(Array.from(features(fixture, -1)));
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toContain('Unknown: this checkpoint was exported from outside a run folder');
    [reloaded, fixture, mllm].forEach((m) => m.dispose());
  });
});
