// Toy vision towers as training sees them: seeded random init, gradients reaching every
// parameter, and features from any layer with the right shape.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CLIPVisionConfig,
  CLIPVisionModel,
  SiglipVisionConfig,
  SiglipVisionModel,
  type VisionModel,
} from '../../../../../src-main/engine/models/hf';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const toy = { hidden_size: 16, intermediate_size: 32, num_hidden_layers: 2, num_attention_heads: 2, image_size: 8, patch_size: 4 };
const models: [string, () => VisionModel][] = [
  ['CLIP', () => CLIPVisionModel.randomInit(new CLIPVisionConfig(toy), 1)],
  ['SigLIP with MAP head', () => SiglipVisionModel.randomInit(new SiglipVisionConfig(toy), 2)],
  ['SigLIP without head', () => SiglipVisionModel.randomInit(new SiglipVisionConfig({ ...toy, vision_use_head: false }), 3)],
];
const pixels = () => tf.randomNormal([2, 3, 8, 8], 0, 1, 'float32', 5);

describe.each(models)('%s (toy)', (_, make) => {
  it('gives every parameter a finite, non-zero gradient', () => {
    const model = make();
    const x = pixels();
    // Fixed random read-outs: a sum of squares after a LayerNorm at identity would be constant.
    const { value, grads } = tf.variableGrads(() => {
      const output = model.forward(x);
      const hidden = output.lastHiddenState;
      let loss = tf.sum(tf.mul(hidden, tf.randomNormal(hidden.shape, 0, 1, 'float32', 6)));
      if (output.poolerOutput) {
        loss = tf.add(loss, tf.sum(tf.mul(output.poolerOutput, tf.randomNormal(output.poolerOutput.shape, 0, 1, 'float32', 7))));
      }
      return loss as tf.Scalar;
    }, model.variables());
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    const variables = model.variables();
    expect(Object.keys(grads)).toHaveLength(variables.length);
    for (const [index, variable] of variables.entries()) {
      const name = model.params.specs[index]!.name;
      const grad = grads[variable.name];
      expect(grad, name).toBeDefined();
      const values = grad!.dataSync();
      expect(values.every(Number.isFinite), `${name} finite`).toBe(true);
      expect(values.some((v) => v !== 0), `${name} non-zero`).toBe(true);
    }
    model.dispose();
  });

  it('featuresFromLayer: patch tokens only, at any layer, and a clear error out of range', () => {
    const model = make();
    const x = pixels();
    const { hiddenStates } = model.forward(x, { outputHiddenStates: true });
    const offset = model.hasClassToken ? 1 : 0;
    for (const layer of [-3, -2, -1, 0, 1, 2]) {
      const features = model.featuresFromLayer(x, layer);
      expect(features.shape).toEqual([2, 4, 16]);
      const state = hiddenStates![layer < 0 ? 3 + layer : layer]!;
      const expected = tf.slice(state, [0, offset, 0], [2, 4, 16]);
      expect(Array.from(features.dataSync())).toEqual(Array.from(expected.dataSync()));
    }
    expect(() => model.featuresFromLayer(x, 3)).toThrow(
      'feature layer 3 is out of range: this encoder has 3 hidden states (0 = embeddings … 2), so use an integer from -3 to 2',
    );
    model.dispose();
  });

  it('is reproducible: the same seed gives the same weights and outputs', () => {
    const [a, b] = [make(), make()];
    const x = pixels();
    expect(Array.from(a.forward(x).lastHiddenState.dataSync())).toEqual(Array.from(b.forward(x).lastHiddenState.dataSync()));
    a.dispose();
    b.dispose();
  });
});

describe('forward', () => {
  it('rejects pixel values of the wrong size, naming the expected shape', () => {
    const model = CLIPVisionModel.randomInit(new CLIPVisionConfig(toy), 1);
    expect(() => model.forward(tf.zeros([1, 3, 16, 16]))).toThrow(
      'CLIPVisionModel: pixel_values must be [batch, 3, 8, 8] (NCHW, normalised), got [1, 3, 16, 16]; resize the images to image_size 8',
    );
    model.dispose();
  });

  it('does not leak tensors', () => {
    const model = SiglipVisionModel.randomInit(new SiglipVisionConfig(toy), 2);
    const x = pixels();
    const before = tf.memory().numTensors;
    const output = model.forward(x, { outputHiddenStates: true });
    // kept: last_hidden_state, pooler_output and the 3 hidden states
    expect(tf.memory().numTensors - before).toBe(5);
    tf.dispose(output as unknown as tf.TensorContainer);
    tf.dispose(model.featuresFromLayer(x));
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
