// A recipe's `model: { path }`: a LLaVA folder relative to the recipe file, its own feature layer and tokenizer,
// exactly one way of giving the model; a run started from it trains that model and keeps its LLaVA layout, and
// writeRecipeWithBase (what `pivot train --base` writes) swaps a recipe's model for a folder.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../../src-main/engine/backend/select';
import { shapesTokenizerText } from '../../../../../src-main/engine/data/shapes/tokenizer';
import { exportEncoder, exportMllm } from '../../../../../src-main/engine/export';
import { loadLlava, saveLlava } from '../../../../../src-main/engine/models/llava';
import { createPresetMllm } from '../../../../../src-main/engine/models/mllm';
import { readRunManifest } from '../../../../../src-main/engine/run-folder/manifest';
import { train } from '../../../../../src-main/engine/train';
import { loadRecipe, writeRecipeWithBase } from '../../../../../src-main/engine/train/recipe';
import { removeTemp, smallWorld, tempFolder, testStage, writeRecipe } from '../../train/helpers';
import { writeLlavaFolder } from '../../../../helpers/llava-folder';

const root = tempFolder('llava-recipe');
const base = join(root, 'base');
const branches = { sft: testStage({ trainable: ['projector'], maxSteps: 1 }) };

beforeAll(async () => {
  await selectBackend('cpu');
  const model = createPresetMllm('toy', { tokenizerFiles: { 'tokenizer.json': shapesTokenizerText() }, tokenizerSource: 'shapes', seed: 4 });
  await saveLlava(model, base);
  model.dispose();
});
afterAll(() => removeTemp(root));

describe('model.path in a recipe', () => {
  it('resolves against the recipe file and takes the folder\'s feature layer unless the recipe sets one', () => {
    const recipe = writeRecipe(root, { model: { path: 'base' }, stages: [], branches });
    expect(loadRecipe(recipe).model).toEqual({ path: base, featureLayer: -2 });
    const clip = writeLlavaFolder(join(root, 'clip'), { config: (c) => (c.vision_feature_layer = 0) });
    expect(loadRecipe(writeRecipe(root, { model: { path: clip }, stages: [], branches }, 'clip.json')).model.featureLayer).toBe(0);
    expect(loadRecipe(writeRecipe(root, { model: { path: clip, featureLayer: 1 }, stages: [], branches }, 'own.json')).model.featureLayer).toBe(1);
  });

  it('is refused with a preset, with a tokenizer, or when the folder is not a LLaVA folder, naming the field', () => {
    const both = writeRecipe(root, { model: { path: 'base', preset: 'toy' }, stages: [], branches }, 'both.json');
    expect(() => loadRecipe(both)).toThrow(`${both}: "model" needs exactly one of "preset" (toy, small, small-64px, small-lm128, tiny, base), "path" (a Hugging Face LLaVA folder) or both "encoder" and "lm"`);
    const tokenizer = writeRecipe(root, { model: { path: 'base', tokenizer: 'x' }, stages: [], branches }, 'tok.json');
    expect(() => loadRecipe(tokenizer)).toThrow(`${tokenizer}: "model.tokenizer" cannot be set with "model.path"`);
    const missing = writeRecipe(root, { model: { path: 'nowhere' }, stages: [], branches }, 'missing.json');
    expect(() => loadRecipe(missing)).toThrow(`${missing}: "model.path": ${join(root, 'nowhere')}: no config.json`);
  });
});

describe('a run from a LLaVA folder', () => {
  it('trains that model, keeps where it came from, and exports as the same LLaVA folder', async () => {
    const world = await smallWorld(join(root, 'world'), 8);
    const recipe = writeRecipe(root, { model: { path: 'base' }, data: { folder: world }, stages: [], branches }, 'run.json');
    const runDir = join(root, 'run');
    const result = await train({ recipe, runDir, backend: 'cpu' });
    expect(result.finalCheckpoint).toBe(join(runDir, 'checkpoints', 'sft-1'));
    expect(existsSync(join(result.finalCheckpoint, 'llava-origin', 'origin.json'))).toBe(true);
    // The run folder records the folder, so that resuming it checks the same model.
    expect(readRunManifest(runDir)?.model).toEqual({ path: base, featureLayer: -2 });

    const out = join(root, 'exported');
    const report = await exportMllm({ runDir, out });
    expect(report).toMatchObject({ out, stage: 'sft', step: 1, objective: 'sft', layout: 'transformers-5' });
    expect(report.files).toEqual(['config.json', 'model.safetensors', 'preprocessor_config.json', 'processor_config.json', 'tokenizer.json']);
    const [before, after] = [await loadLlava(base), await loadLlava(out)];
    // Only the projector was trained: the LM is the folder's, the projector has moved.
    const values = (m: typeof before, part: 'lm' | 'projector', name: string) => Array.from((part === 'lm' ? m.lm.parameters : m.projector.params).get(name).dataSync());
    expect(values(after, 'lm', 'model.norm.weight')).toEqual(values(before, 'lm', 'model.norm.weight'));
    expect(values(after, 'projector', 'multi_modal_projector.linear_2.bias')).not.toEqual(values(before, 'projector', 'multi_modal_projector.linear_2.bias'));
    before.dispose();
    after.dispose();
    // The encoder export of the same run names the LLaVA folder it came from.
    const encoderOut = join(root, 'encoder-export');
    await exportEncoder({ runDir, out: encoderOut });
    expect(readFileSync(join(encoderOut, 'README.md'), 'utf8')).toContain(`the LLaVA folder \`${base}\``);
  }, 60_000);

  it('writeRecipeWithBase swaps the model of a recipe, folders made absolute', () => {
    const recipe = writeRecipe(root, { model: { preset: 'toy' }, data: { folder: 'world' }, stages: [], branches }, 'preset.json');
    const out = join(root, 'derived.json');
    writeRecipeWithBase(recipe, { path: base }, out);
    const derived = JSON.parse(readFileSync(out, 'utf8')) as { model: unknown; data: { folder: string } };
    expect(derived.model).toEqual({ path: base });
    expect(derived.data.folder).toBe(join(root, 'world'));
    expect(loadRecipe(out).model).toEqual({ path: base, featureLayer: -2 });
    // --encoder --lm keep the recipe's feature layer; the LM's folder gives the tokenizer.
    const layered = writeRecipe(root, { model: { preset: 'toy', featureLayer: 1, tokenizer: 'world' }, stages: [], branches }, 'layered.json');
    writeRecipeWithBase(layered, { encoder: 'enc', lm: 'lm' }, out);
    expect(loadRecipe(out).model).toEqual({ encoder: join(process.cwd(), 'enc'), lm: join(process.cwd(), 'lm'), featureLayer: 1 });
  });
});
