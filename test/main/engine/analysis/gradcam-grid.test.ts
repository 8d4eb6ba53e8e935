// Grad-CAM needs the visual tokens to be the whole square patch grid: a SigLIP tower (no class token) under LLaVA's
// 'default' strategy drops its first patch (15 of the toy's 4×4 tokens), which no map can be drawn on, so both
// methods refuse it with UNSUPPORTED_MODEL naming the strategy and what to use instead — before any backward pass.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradcamForSample, type GradcamMethod } from '../../../../src-main/engine/analysis/gradcam';
import { selectBackend } from '../../../../src-main/engine/backend/select';
import { shapesTokenizerText } from '../../../../src-main/engine/data/shapes/tokenizer';
import { createPresetMllm, Mllm } from '../../../../src-main/engine/models/mllm';

let siglipDefault: Mllm;

beforeAll(async () => {
  await selectBackend('cpu');
  const toy = createPresetMllm('toy', { tokenizerFiles: { 'tokenizer.json': shapesTokenizerText() }, tokenizerSource: 'shapes', seed: 2 });
  siglipDefault = new Mllm(toy.encoder, toy.projector, toy.lm, toy.tokenizer, toy.tokenizerFiles, { ...toy.config, selectStrategy: 'default' });
});
afterAll(() => siglipDefault.dispose());

describe('Grad-CAM of a SigLIP tower under the default strategy', () => {
  it.each(['projector-l1', 'layer'] as GradcamMethod[])('%s: refused as UNSUPPORTED_MODEL, naming the 15 tokens and the 4×4 grid', (method) => {
    expect(siglipDefault.imageTokenCount).toBe(15);
    const size = siglipDefault.config.imageSize;
    const sample = { pixels: new Float32Array(3 * size * size), question: 'What colour is the square?', chosen: 'Orange.', rejected: 'Red.', id: 'a' };
    expect(() => gradcamForSample(siglipDefault, sample, { method, objective: 'sft' })).toThrow(expect.objectContaining({
      code: 'UNSUPPORTED_MODEL',
      message: 'Grad-CAM: the MLLM passes 15 visual tokens to its LM, not its encoder\'s 4×4 patch grid (vision_feature_select_strategy "default" drops the first token ' +
        'and this tower has no class token, so a patch is lost); a map needs exactly the patches: use a model whose vision_feature_select_strategy is "full".',
    }));
  });
});
