// The outline of a LLaVA folder as the base model, read from its config.json alone (the pair check and the New run
// form show it before Start): the same image tokens, context, tokenizer and projector / LM sizes as the model
// loadLlava builds from the folder's weights, for both select strategies.
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { selectBackend } from '../../../../src-main/engine/backend/select';
import { loadLlava } from '../../../../src-main/engine/models/llava';
import { modelOutline } from '../../../../src-main/engine/train/model-outline';
import type { Recipe } from '../../../../src-main/engine/train/recipe';
import { writeLlavaFolder, type VisionFixture } from '../../../helpers/llava-folder';
import { removeTemp, tempFolder } from './helpers';

const dir = tempFolder('model-outline');
afterAll(() => removeTemp(dir));

const recipeOn = (path: string): Recipe => ({ model: { path, featureLayer: -2 }, data: { includeTestSplit: false } }) as unknown as Recipe;

describe('modelOutline of a LLaVA folder', () => {
  it.each([
    ['clip-vision', 'default'],
    ['clip-vision', 'full'],
    ['siglip-vision', 'full'],
  ] as const)('%s under %s: the loaded model\'s image tokens, context and part sizes', async (vision: VisionFixture, strategy) => {
    const folder = writeLlavaFolder(join(dir, `${vision}-${strategy}`), {
      vision,
      config: (c) => {
        c.vision_feature_select_strategy = strategy;
        delete c.image_seq_length;
      },
    });
    const outline = modelOutline(recipeOn(folder));
    await selectBackend('cpu');
    const model = await loadLlava(folder);
    const count = (part: 'projector' | 'lm') => model.namedVariables(part).reduce((sum, [, v]) => sum + v.size, 0);
    expect(outline.name).toBe(`LLaVA ${folder}`);
    expect(outline.tokenizerSource).toBe(folder);
    expect(outline.imageTokenCount).toBe(model.imageTokenCount);
    expect(outline.maxLength).toBe(model.lm.config.max_position_embeddings);
    expect(outline.imageSize).toBe(32);
    expect({ projector: outline.parameters.projector, lm: outline.parameters.lm }).toEqual({ projector: count('projector'), lm: count('lm') });
    model.dispose();
  });
});
