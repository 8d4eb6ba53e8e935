// The encoder + projector probe encoder gives exactly the visual tokens the MLLM's LM receives: its feature
// layer, class token dropped, through its projector — checked on a saved toy checkpoint and on a CLIP tower.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../src-main/engine/backend/select';
import * as tf from '../../../../src-main/engine/backend/tf';
import { shapesTokenizerText } from '../../../../src-main/engine/data/shapes/tokenizer';
import { CLIPVisionConfig, CLIPVisionModel } from '../../../../src-main/engine/models/clip';
import { createPresetMllm, loadMllm, Mllm, MultiModalProjector, saveMllm } from '../../../../src-main/engine/models/mllm';
import { extractPooledFeatures } from '../../../../src-main/engine/probes/linear-probe';
import { LINEAR_PROBE_PROJECTOR_PROTOCOL, mllmVisualTokenEncoder } from '../../../../src-main/engine/probes/projector-encoder';
import { removeTemp, tempFolder } from '../train/helpers';

const dir = tempFolder('projector-encoder');
let toy: Mllm;

beforeAll(async () => {
  await selectBackend('cpu');
  toy = createPresetMllm('toy', { tokenizerFiles: { 'tokenizer.json': shapesTokenizerText() }, tokenizerSource: 'shapes', seed: 5 });
});
afterAll(() => {
  toy.dispose();
  removeTemp(dir);
});

/** |a − b| max over all entries. */
function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  const x = Array.from(a.dataSync() as Float32Array);
  const y = b.dataSync() as Float32Array;
  expect(x.length).toBe(y.length);
  return x.reduce((m, v, i) => Math.max(m, Math.abs(v - (y[i] as number))), 0);
}

/** The projector over hidden_states[layer] with the class token (token 0) dropped where the tower has one. */
function byHand(mllm: Mllm, pixels: tf.Tensor4D, layer: number, classToken: boolean): tf.Tensor {
  const hidden = (mllm.encoder.forward(pixels, { outputHiddenStates: true }).hiddenStates as tf.Tensor3D[])[layer] as tf.Tensor3D;
  const [n, tokens, width] = hidden.shape;
  return mllm.projector.forward(classToken ? tf.slice(hidden, [0, 1, 0], [n, tokens - 1, width]) : hidden);
}

describe('mllmVisualTokenEncoder', () => {
  it("gives a saved toy checkpoint's visual tokens, the same as the MLLM it was saved from", async () => {
    await saveMllm(toy, dir);
    const loaded = await loadMllm(dir);
    const pixels = tf.randomNormal([3, 3, 32, 32], 0, 1, 'float32', 4) as tf.Tensor4D;
    const encoder = mllmVisualTokenEncoder(loaded);
    // Toy preset: 32 px, 8 px patches (4 × 4), 3 blocks, feature layer −2 = hidden state 2, SigLIP (no class token).
    expect(encoder).toMatchObject({ imageSize: 32, grid: [4, 4], layer: 2, hasClassToken: false });
    const { patchTokens, cls } = encoder.features(pixels);
    expect(patchTokens.shape).toEqual([3, 16, 64]);
    expect(cls).toBeUndefined();
    const tokens = toy.imageTokens(pixels);
    const manual = byHand(loaded, pixels, 2, false);
    expect(maxAbsDiff(patchTokens, tokens)).toBeLessThan(1e-6);
    expect(maxAbsDiff(patchTokens, manual)).toBeLessThan(1e-6);
    tf.dispose([pixels, patchTokens, tokens, manual]);
    loaded.dispose();
  });

  it('drops a CLIP tower\'s class token and maps its width to the LM\'s, at the configured feature layer', async () => {
    const clip = CLIPVisionModel.randomInit(new CLIPVisionConfig({ hidden_size: 48, intermediate_size: 96, num_hidden_layers: 3, num_attention_heads: 2, image_size: 32, patch_size: 8 }), 3);
    const projector = MultiModalProjector.randomInit(48, 64, 6);
    const mllm = new Mllm(clip, projector, toy.lm, toy.tokenizer, toy.tokenizerFiles, { ...toy.config, featureLayer: -3, selectStrategy: 'default' });
    const pixels = tf.randomNormal([2, 3, 32, 32], 0, 1, 'float32', 8) as tf.Tensor4D;
    const encoder = mllmVisualTokenEncoder(mllm);
    expect(encoder.layer).toBe(1);
    const { patchTokens } = encoder.features(pixels);
    // 16 patches (the class token gone), each 64 wide: the LM's width, not the tower's 48.
    expect(patchTokens.shape).toEqual([2, 16, 64]);
    const manual = byHand(mllm, pixels, 1, true);
    expect(maxAbsDiff(patchTokens, manual)).toBeLessThan(1e-6);
    // The linear probe pools them to one LM-width unit vector per image, with no class token appended.
    const images = Array.from({ length: 2 }, (_, i) => pixels.slice([i], [1]).dataSync() as Float32Array);
    const pooled = await extractPooledFeatures(encoder, images, 32);
    expect([pooled.n, pooled.dim, pooled.withCls]).toEqual([2, 64, false]);
    const row0 = pooled.data.subarray(0, 64);
    expect(Math.hypot(...row0)).toBeCloseTo(1, 6);
    expect(LINEAR_PROBE_PROJECTOR_PROTOCOL).toBe('linear-probe/mean-pooled-l2/encoder+projector');
    tf.dispose([pixels, patchTokens, manual]);
    clip.dispose();
    projector.dispose();
  });
});
