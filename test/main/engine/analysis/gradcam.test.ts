// Grad-CAM on the toy MLLM (cpu): the visual-token gradient against finite differences, a loss that only one token
// can move maps to that token alone, DPO at policy = reference against the hand-derived −β/2 ∇(πc − πr), and the
// layer variant's channel weighting on tensors small enough to check by hand.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradcamForSample } from '../../../../src-main/engine/analysis/gradcam';
import { sampleObjective, type GradcamSample } from '../../../../src-main/engine/analysis/gradcam-loss';
import { layerGradcamMap, normaliseMap, projectorL1Map } from '../../../../src-main/engine/analysis/gradcam-maps';
import { selectBackend } from '../../../../src-main/engine/backend/select';
import * as tf from '../../../../src-main/engine/backend/tf';
import { shapesTokenizerText } from '../../../../src-main/engine/data/shapes/tokenizer';
import { createPresetMllm, createPretrainedMllm, readTokenizerFiles, type Mllm } from '../../../../src-main/engine/models/mllm';

let model: Mllm;
let sample: GradcamSample;

beforeAll(async () => {
  await selectBackend('cpu');
  model = createPresetMllm('toy', { tokenizerFiles: { 'tokenizer.json': shapesTokenizerText() }, tokenizerSource: 'shapes', seed: 2 });
  const size = model.config.imageSize;
  const pixels = tf.tidy(() => tf.randomNormal([3 * size * size], 0, 1, 'float32', 5).dataSync() as Float32Array);
  sample = { pixels: Float32Array.from(pixels), question: 'What colour is the square?', chosen: 'Orange.', rejected: 'Red.', id: 'test' };
});
afterAll(() => model.dispose());

/** Gradient of `f` at `x`, read back as numbers. */
function gradientOf(f: (t: tf.Tensor3D) => tf.Scalar, x: tf.Tensor3D): Float32Array {
  const g = tf.grad((t: tf.Tensor) => f(t as tf.Tensor3D))(x);
  const values = Float32Array.from(g.dataSync());
  g.dispose();
  return values;
}

function scalarOf(f: (t: tf.Tensor3D) => tf.Scalar, x: tf.Tensor3D): number {
  const v = f(x);
  const out = v.dataSync()[0] as number;
  v.dispose();
  return out;
}

describe('the loss gradient at the visual tokens', () => {
  it('matches central finite differences on its largest entries (SFT)', () => {
    const objective = sampleObjective(model, sample, { objective: 'sft' });
    const grad = gradientOf(objective.lossOf, objective.tokens);
    const base = Float32Array.from(objective.tokens.dataSync());
    const largest = Array.from(grad.keys()).sort((a, b) => Math.abs(grad[b]!) - Math.abs(grad[a]!)).slice(0, 4);
    // The tokens are small (≈ 0.02) and the LM normalises them (RMSNorm), so the step must be small too.
    const eps = 1e-3;
    for (const i of largest) {
      const at = (delta: number) => {
        const shifted = Float32Array.from(base);
        shifted[i] = shifted[i]! + delta;
        const t = tf.tensor3d(shifted, objective.tokens.shape);
        const v = scalarOf(objective.lossOf, t);
        t.dispose();
        return v;
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      expect(Math.abs(numeric - grad[i]!), `entry ${i}: ${numeric} vs ${grad[i]}`).toBeLessThan(0.01 * Math.abs(grad[i]!) + 1e-3);
    }
    objective.dispose();
  });

  it('gives a map with all its mass on the one token that can move the loss', () => {
    const objective = sampleObjective(model, sample, { objective: 'sft' });
    const [, n, width] = objective.tokens.shape;
    const only = 5;
    const frozen = tf.clone(objective.tokens);
    const oneHot = tf.tensor3d(Float32Array.from({ length: n * width }, (_, i) => (Math.floor(i / width) === only ? 1 : 0)), [1, n, width]);
    // Every token but `only` is replaced by a constant copy of itself: same loss, zero gradient there.
    const isolated = (t: tf.Tensor3D): tf.Scalar => tf.tidy(() => objective.lossOf(tf.add(tf.mul(t, oneHot), tf.mul(frozen, tf.sub(1, oneHot))) as tf.Tensor3D));
    expect(scalarOf(isolated, objective.tokens)).toBeCloseTo(scalarOf(objective.lossOf, objective.tokens), 5);
    const g = tf.grad((t: tf.Tensor) => isolated(t as tf.Tensor3D))(objective.tokens);
    const map = normaliseMap(projectorL1Map(g));
    expect(Array.from(map)).toEqual(Array.from({ length: n }, (_, k) => (k === only ? 1 : 0)));
    tf.dispose([g, frozen, oneHot]);
    objective.dispose();
  });

  it('gradcamForSample returns that L1 map of the full gradient, normalised, on the patch grid', () => {
    const result = gradcamForSample(model, sample, { method: 'projector-l1', objective: 'sft' });
    const objective = sampleObjective(model, sample, { objective: 'sft' });
    const g = tf.grad((t: tf.Tensor) => objective.lossOf(t as tf.Tensor3D))(objective.tokens);
    const raw = projectorL1Map(g);
    expect(result.gridH).toBe(4);
    expect(result.gridW).toBe(4);
    expect(result.loss).toBeCloseTo(scalarOf(objective.lossOf, objective.tokens), 5);
    Array.from(raw).forEach((v, i) => expect(result.raw[i]).toBeCloseTo(v, 6));
    expect(Math.max(...result.map)).toBe(1);
    expect(Math.min(...result.map)).toBe(0);
    tf.dispose(g);
    objective.dispose();
  });
});

describe('DPO at policy = reference', () => {
  it('has loss ln 2 and gradient −β/2 · ∇(πc − πr), by hand', () => {
    const beta = 0.1;
    const objective = sampleObjective(model, sample, { objective: 'dpo', beta });
    expect(scalarOf(objective.lossOf, objective.tokens)).toBeCloseTo(Math.LN2, 6);
    const grad = gradientOf(objective.lossOf, objective.tokens);
    // d/dz −log σ(z) = −σ(−z) = −½ at z = 0, and z = β((πc − rc) − (πr − rr)).
    const margin = (t: tf.Tensor3D): tf.Scalar => tf.tidy(() => {
      const [c, r] = tf.split(objective.logpsOf(t), 2);
      return tf.sum(tf.sub(c as tf.Tensor, r as tf.Tensor)) as tf.Scalar;
    });
    const hand = gradientOf(margin, objective.tokens).map((v) => (-beta / 2) * v);
    const scale = Math.max(...hand.map(Math.abs));
    expect(scale).toBeGreaterThan(0);
    grad.forEach((v, i) => expect(Math.abs(v - hand[i]!)).toBeLessThan(1e-5 * scale + 1e-9));
    objective.dispose();
  });

  it('takes given reference log-probs, and gradcamForSample reports the DPO loss', () => {
    const own = sampleObjective(model, sample, { objective: 'dpo' });
    const reference = { chosen: own.reference!.chosen + 5, rejected: own.reference!.rejected };
    own.dispose();
    const shifted = gradcamForSample(model, sample, { method: 'projector-l1', objective: 'dpo', reference });
    // Margin β·(−5) = −0.5: loss = −log σ(−0.5).
    expect(shifted.loss).toBeCloseTo(Math.log(1 + Math.exp(0.5)), 4);
    expect(gradcamForSample(model, sample, { method: 'projector-l1', objective: 'dpo', reference: model }).loss).toBeCloseTo(Math.LN2, 5);
  });

  it('needs a rejected answer', () => {
    const { rejected: _, ...noRejected } = sample;
    expect(() => gradcamForSample(model, noRejected, { method: 'projector-l1', objective: 'dpo' })).toThrow(/no rejected answer/);
  });
});

describe('standard Grad-CAM on an encoder layer', () => {
  it('weights channels by the mean gradient over patch tokens, drops CLS and applies ReLU', () => {
    // CLS then 3 patch tokens, 2 channels; CLS values would change everything if they were used.
    const a = tf.tensor3d([[[100, 100], [1, 2], [3, -1], [-2, -2]]]);
    const g = tf.tensor3d([[[50, -50], [1, 0], [2, 1], [0, 2]]]);
    // w = mean over patches = [1, 1]; map = ReLU([3, 2, −4]).
    expect(Array.from(layerGradcamMap(a, g, true))).toEqual([3, 2, 0]);
    expect(Array.from(layerGradcamMap(tf.slice(a, [0, 1, 0], [1, 3, 2]), tf.slice(g, [0, 1, 0], [1, 3, 2]), false))).toEqual([3, 2, 0]);
    tf.dispose([a, g]);
  });

  it('maps the feature layer and an earlier one of the toy MLLM, and refuses a layer the LM never sees', () => {
    for (const layer of [-2, 1]) {
      const r = gradcamForSample(model, sample, { method: 'layer', objective: 'sft', layer });
      expect(r.map).toHaveLength(16);
      expect(r.raw.every((v) => v >= 0)).toBe(true);
      expect(r.map.every((v) => v >= 0 && v <= 1)).toBe(true);
      expect(r.loss).toBeCloseTo(gradcamForSample(model, sample, { method: 'projector-l1', objective: 'sft' }).loss, 4);
    }
    expect(() => gradcamForSample(model, sample, { method: 'layer', objective: 'sft', layer: -1 })).toThrow(/after the MLLM's feature layer/);
  });

  it('on a CLIP tower (class token dropped) equals Grad-CAM computed by hand at the projector input', async () => {
    const fixtures = fileURLToPath(new URL('../../../fixtures/hf', import.meta.url));
    const tokenizerDir = join(fixtures, 'tokenizer');
    const clip = await createPretrainedMllm(join(fixtures, 'clip-vision'), join(fixtures, 'qwen2-lm'), { tokenizerFiles: readTokenizerFiles(tokenizerDir), tokenizerSource: tokenizerDir, seed: 1 });
    const clipSample = { ...sample, question: 'what color is the circle?', chosen: 'red' };
    const result = gradcamForSample(clip, clipSample, { method: 'layer', objective: 'sft' });
    const objective = sampleObjective(clip, clipSample, { objective: 'sft' });
    const features = clip.encoder.featuresFromLayer(tf.tensor4d(clipSample.pixels, [1, 3, 32, 32]), -2);
    const g = tf.grad((f: tf.Tensor) => tf.neg(objective.lossOf(clip.projector.forward(f) as tf.Tensor3D)))(features);
    const hand = layerGradcamMap(features, g, false);
    expect(result.raw).toHaveLength(16);
    Array.from(hand).forEach((v, i) => expect(result.raw[i]).toBeCloseTo(v, 5));
    expect(Math.max(...hand)).toBeGreaterThan(0);
    tf.dispose([features, g]);
    objective.dispose();
    clip.dispose();
  });
});
