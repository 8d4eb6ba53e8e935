// Parity of a LLaVA folder built from the shared fixtures. Compared with transformers' own outputs: the image
// features (hidden_states.k of CLIPVisionModel / SiglipVisionModel, with the select strategy applied), the LM's
// logits on text-only rows and on transformers' inputs_embeds spliced in as image tokens. Compared with a float64
// reference computed here: the projector. The whole LLaVA forward against transformers' LlavaForConditionalGeneration
// needs test/fixtures/make-llava-fixture.py run on a machine with torch and transformers (not yet done); here it is
// only compiled.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../../src-main/engine/backend/select';
import * as tf from '../../../../../src-main/engine/backend/tf';
import { readSafetensors } from '../../../../../src-main/engine/io/safetensors';
import { loadLlava } from '../../../../../src-main/engine/models/llava';
import type { Mllm } from '../../../../../src-main/engine/models/mllm';
import { removeTemp, tempFolder } from '../../train/helpers';
import { FIXTURES, loadReference, maxRelativeError } from '../vision/helpers';
import { IMAGE_TOKEN_ID, projectorTensors, WIDTH, writeLlavaFolder, type VisionFixture } from '../../../../helpers/llava-folder';

const root = tempFolder('llava-parity');
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '../../../../fixtures/make-llava-fixture.py');
let n = 0;

beforeAll(async () => {
  await selectBackend('cpu');
});
afterAll(() => removeTemp(root));

async function llava(vision: VisionFixture, config: Record<string, unknown> = {}): Promise<Mllm> {
  return loadLlava(writeLlavaFolder(join(root, `m${n++}`), { vision, config: (c) => Object.assign(c, config) }));
}

/** erf to ~1e-15 (Maclaurin series; |x| ≥ 6 is ±1 in float64). */
function erf(x: number): number {
  if (Math.abs(x) >= 6) return Math.sign(x);
  let term = x;
  let sum = x;
  for (let k = 1; k < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); k++) {
    term *= (-x * x) / k;
    sum += term / (2 * k + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

/** transformers' LlavaMultiModalProjector (linear_1 → exact GELU → linear_2) in float64 on rows of `features`. */
function projectorFloat64(features: Float32Array, rows: number): Float64Array {
  const p = projectorTensors();
  const get = (name: string) => Float64Array.from(p[`multi_modal_projector.${name}`]!.data as Float32Array);
  const linear = (x: Float64Array, w: Float64Array, b: Float64Array): Float64Array => {
    const y = new Float64Array(rows * WIDTH);
    for (let r = 0; r < rows; r++) {
      for (let o = 0; o < WIDTH; o++) {
        let s = b[o]!;
        for (let i = 0; i < WIDTH; i++) s += x[r * WIDTH + i]! * w[o * WIDTH + i]!;
        y[r * WIDTH + o] = s;
      }
    }
    return y;
  };
  const hidden = linear(Float64Array.from(features), get('linear_1.weight'), get('linear_1.bias')).map((v) => 0.5 * v * (1 + erf(v / Math.SQRT2)));
  return linear(hidden, get('linear_2.weight'), get('linear_2.bias'));
}

describe('image features against transformers\' vision towers', () => {
  const cases: [VisionFixture, number, 'default' | 'full', number, number][] = [
    // fixture, vision_feature_layer, strategy, hidden_states index, tokens (17 for CLIP with its class token, 16 for SigLIP)
    ['clip-vision', -2, 'default', 1, 16],
    ['clip-vision', 0, 'full', 0, 17],
    ['siglip-vision', -2, 'default', 1, 15],
    ['siglip-vision', -1, 'full', 2, 16],
  ];
  it.each(cases)('%s, layer %i, %s = hidden_states.%i with %i tokens', async (vision, layer, strategy, index, tokens) => {
    const model = await llava(vision, { vision_feature_layer: layer, vision_feature_select_strategy: strategy, image_seq_length: tokens });
    const ref = loadReference(vision);
    const state = ref[`hidden_states.${index}`]!;
    const expected = strategy === 'full' ? state : state.slice([0, 1, 0], [-1, -1, -1]);
    const features = model.imageFeatures(ref.pixel_values as tf.Tensor4D);
    expect(features.shape).toEqual([3, tokens, WIDTH]);
    expect(model.imageTokenCount).toBe(tokens);
    expect(maxRelativeError(features, expected)).toBeLessThan(1e-5);
    model.dispose();
  });
});

describe('projector and LM', () => {
  it('projects transformers\' CLIP features as a float64 LlavaMultiModalProjector does, and so the image tokens', async () => {
    const model = await llava('clip-vision');
    const ref = loadReference('clip-vision');
    const features = ref['hidden_states.1']!.slice([0, 1, 0], [-1, -1, -1]);
    const expected = tf.tensor(Float32Array.from(projectorFloat64(features.dataSync() as Float32Array, 3 * 16)), [3, 16, WIDTH]);
    expect(maxRelativeError(model.projector.forward(features), expected)).toBeLessThan(1e-5);
    expect(maxRelativeError(model.imageTokens(ref.pixel_values as tf.Tensor4D), expected)).toBeLessThan(1e-5);
    model.dispose();
  });

  it('gives transformers\' Qwen2 logits on text-only rows, and on its inputs_embeds spliced in as image tokens', async () => {
    const model = await llava('siglip-vision');
    const { tensors } = readSafetensors(join(FIXTURES, 'qwen2-lm', 'reference_outputs.safetensors'));
    const ref = (key: string) => tf.tensor(tensors[key]!.data as Float32Array | Int32Array, tensors[key]!.shape);
    const ids = Array.from(tensors.input_ids!.data as Int32Array);
    const rows = [0, 1].map((b) => ({ inputIds: ids.slice(b * 17, b * 17 + 17), labelsMask: new Array(17).fill(0), imagePosition: -1, imageIndex: 0 }));
    const text = model.forward({ pixels: null, rows });
    expect(maxRelativeError(text.logits, ref('logits'))).toBeLessThan(1e-5);

    // Each row is <image> then a text token; the image's 9 tokens are transformers' inputs_embeds, so (causal
    // attention) the logits at those 9 positions are its logits_from_embeds.
    const embeds = ref('inputs_embeds');
    const spliced = Object.create(model, { imageTokenCount: { value: 9 }, imageTokens: { value: () => embeds.clone() } }) as Mllm;
    const pixels = tf.zeros([2, 3, 32, 32]) as tf.Tensor4D;
    const imageRows = [0, 1].map((b) => ({ inputIds: [IMAGE_TOKEN_ID, 50], labelsMask: [0, 1], imagePosition: 0, imageIndex: b }));
    const out = spliced.forward({ pixels, rows: imageRows });
    expect(out.logits.shape).toEqual([2, 10, 320]);
    expect(maxRelativeError(out.logits.slice([0, 0, 0], [-1, 9, -1]), ref('logits_from_embeds'))).toBeLessThan(1e-5);
    model.dispose();
  });
});

describe('against transformers\' LlavaForConditionalGeneration', () => {
  it('make-llava-fixture.py compiles', () => {
    // The compiled file goes to the temporary folder, not beside the script.
    expect(() => execFileSync('python3', ['-m', 'py_compile', SCRIPT], { stdio: 'pipe', env: { ...process.env, PYTHONPYCACHEPREFIX: root } })).not.toThrow();
  });
});
