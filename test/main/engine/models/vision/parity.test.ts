// Parity with Hugging Face transformers 5.17: the fixture checkpoints loaded and run on the cpu
// backend reproduce every reference output (computed in float64) to float32 precision.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadVisionModel, type VisionModel } from '../../../../../src-main/engine/models/hf';
import { fixtureDir, loadReference, maxRelativeError, outputsByReferenceName } from './helpers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// Observed max relative errors (max|Δ| / max|ref|, cpu backend): CLIP ≤ 1.8e-7 on every output,
// SigLIP ≤ 1.8e-7; a wrong activation or norm shows up near 1e-2.
const TOLERANCE = 1e-4;
const OUTPUTS = ['last_hidden_state', 'pooler_output', 'hidden_states.0', 'hidden_states.1', 'hidden_states.2'];

describe.each(['clip-vision', 'siglip-vision'] as const)('%s matches transformers', (name) => {
  let model: VisionModel;
  let reference: Record<string, tf.Tensor>;
  let outputs: Record<string, tf.Tensor>;

  beforeAll(async () => {
    model = await loadVisionModel(fixtureDir(name));
    reference = loadReference(name);
    outputs = outputsByReferenceName(model.forward(reference.pixel_values as tf.Tensor, { outputHiddenStates: true }));
  });

  it.each(OUTPUTS)(`%s within ${TOLERANCE} relative (observed ≤ 2e-7)`, (key) => {
    expect(outputs[key], `${key} is produced`).toBeDefined();
    expect(maxRelativeError(outputs[key] as tf.Tensor, reference[key] as tf.Tensor)).toBeLessThanOrEqual(TOLERANCE);
  });

  it('returns exactly the listed outputs: num_hidden_layers + 1 hidden states, a pooler', () => {
    expect(Object.keys(outputs).sort()).toEqual([...OUTPUTS].sort());
  });

  it('featuresFromLayer(−2) is hidden_states[−2] without the class token, of shape [B, numPatches, hidden]', () => {
    const features = model.featuresFromLayer(reference.pixel_values as tf.Tensor);
    expect(features.shape).toEqual([3, 16, 64]);
    const penultimate = reference['hidden_states.1'] as tf.Tensor3D;
    const patchTokens = model.hasClassToken ? tf.slice(penultimate, [0, 1, 0], [3, 16, 64]) : penultimate;
    expect(maxRelativeError(features, patchTokens)).toBeLessThanOrEqual(TOLERANCE);
    const ownState = outputs['hidden_states.1'] as tf.Tensor3D;
    const ownPatches = model.hasClassToken ? tf.slice(ownState, [0, 1, 0], [3, 16, 64]) : ownState;
    expect(Array.from(features.dataSync())).toEqual(Array.from(ownPatches.dataSync()));
  });
});
