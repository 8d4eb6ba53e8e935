// Qwen2ForCausalLM computes what transformers computes on the same weights, loads both config
// formats, saves checkpoints transformers can read, and trains every parameter.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '../../../../../src-main/engine/backend/tf';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSafetensors, type DecodedTensor } from '../../../../../src-main/engine/io/safetensors';
import { loadQwen2, randomInit, readQwen2Config, saveQwen2, type Qwen2ForCausalLM } from '../../../../../src-main/engine/models/qwen2';

const fixtureDir = join(dirname(fileURLToPath(import.meta.url)), '../../../../fixtures/hf/qwen2-lm');
const reference = readSafetensors(join(fixtureDir, 'reference_outputs.safetensors')).tensors;
const fixtureConfig = JSON.parse(readFileSync(join(fixtureDir, 'config.json'), 'utf8')) as Record<string, unknown>;

function ref(name: string): tf.Tensor {
  const t = reference[name] as DecodedTensor;
  return tf.tensor(t.data, t.shape, t.dtype === 'int32' ? 'int32' : 'float32');
}

/** max|actual − expected| / max|expected|: relative to the tensor's scale, so near-zero entries do not blow it up. */
function relativeError(actual: tf.Tensor, expected: tf.Tensor): number {
  return tf.tidy(() => tf.div(tf.max(tf.abs(tf.sub(actual, expected))), tf.max(tf.abs(expected))).dataSync()[0] as number);
}

function withTempDir<T>(run: (dir: string) => Promise<T> | T): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'pivot-qwen2-'));
  return Promise.resolve(run(dir)).finally(() => rmSync(dir, { recursive: true, force: true }));
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('Qwen2ForCausalLM parity with transformers', () => {
  let model: Qwen2ForCausalLM;
  beforeAll(() => {
    model = loadQwen2(fixtureDir);
  });
  afterAll(() => model.dispose());

  it('matches logits and every hidden state from input_ids to 1e-4 relative', () => {
    const { logits, hiddenStates } = model.forward({ inputIds: ref('input_ids') as tf.Tensor2D }, { outputHiddenStates: true });
    const errors: Record<string, number> = { logits: relativeError(logits, ref('logits')) };
    expect(hiddenStates).toHaveLength(3);
    hiddenStates?.forEach((h, i) => (errors[`hidden_states.${i}`] = relativeError(h, ref(`hidden_states.${i}`))));
    console.log('qwen2 parity, max|Δ|/max|ref|:', errors);
    for (const error of Object.values(errors)) expect(error).toBeLessThan(1e-4);
  });

  it('matches logits_from_embeds when fed inputs_embeds', () => {
    const { logits } = model.forward({ inputsEmbeds: ref('inputs_embeds') as tf.Tensor3D });
    const error = relativeError(logits, ref('logits_from_embeds'));
    console.log('qwen2 parity, logits_from_embeds:', error);
    expect(error).toBeLessThan(1e-4);
  });

  it('embed() is the first hidden state, so image features can be spliced before forward', () => {
    const ids = ref('input_ids') as tf.Tensor2D;
    expect(relativeError(model.embed(ids), ref('hidden_states.0'))).toBeLessThan(1e-6);
    const viaEmbeds = model.forward({ inputsEmbeds: model.embed(ids) }).logits;
    expect(relativeError(viaEmbeds, ref('logits'))).toBeLessThan(1e-4);
  });

  it('gives real tokens the same logits under left padding with matching mask and positions', () => {
    const ids = tf.slice(ref('input_ids'), [0, 0], [1, 6]) as tf.Tensor2D;
    const padded = tf.concat([tf.zeros([1, 3], 'int32'), ids], 1) as tf.Tensor2D;
    const attentionMask = tf.tensor2d([[0, 0, 0, 1, 1, 1, 1, 1, 1]]);
    const positionIds = tf.tensor2d([[0, 0, 0, 0, 1, 2, 3, 4, 5]], undefined, 'int32');
    const plain = model.forward({ inputIds: ids }).logits;
    const withPadding = model.forward({ inputIds: padded, attentionMask, positionIds }).logits;
    expect(relativeError(tf.slice(withPadding, [0, 3, 0], [1, 6, -1]), plain)).toBeLessThan(1e-5);
  });
});

describe('Qwen2 config and checkpoints', () => {
  it('reads the transformers 5 format and the 4.x format to the same config', () => {
    const { rope_parameters: _rope, ...rest } = fixtureConfig;
    const legacy = { ...rest, rope_theta: 1e6, rope_scaling: null, torch_dtype: 'float32' };
    const v5 = readQwen2Config({ ...fixtureConfig, rope_parameters: { rope_theta: 1e6, rope_type: 'default' } });
    const v4 = readQwen2Config(legacy);
    expect({ ...v4, raw: undefined }).toEqual({ ...v5, raw: undefined });
    expect([v5.rope_theta, v5.num_key_value_heads, v5.head_dim, v5.tie_word_embeddings, v5.rms_norm_eps]).toEqual([1e6, 2, 16, true, 1e-6]);
    expect(() => readQwen2Config({ ...legacy, rope_scaling: { type: 'yarn', factor: 4 } }, 'x/config.json')).toThrow(/x\/config\.json: rope type "yarn"/);
  });

  it('loads a 4.x-format folder to the same logits', () =>
    withTempDir((dir) => {
      const { rope_parameters: _rope, ...rest } = fixtureConfig;
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...rest, rope_theta: 10000, transformers_version: '4.45.0' }));
      copyFileSync(join(fixtureDir, 'model.safetensors'), join(dir, 'model.safetensors'));
      const model = loadQwen2(dir);
      expect(relativeError(model.forward({ inputIds: ref('input_ids') as tf.Tensor2D }).logits, ref('logits'))).toBeLessThan(1e-4);
      model.dispose();
    }));

  it('names the file, the tensor, both shapes and the fix when weights do not fit config.json', () =>
    withTempDir((dir) => {
      copyFileSync(join(fixtureDir, 'model.safetensors'), join(dir, 'model.safetensors'));
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...fixtureConfig, intermediate_size: 96 }));
      expect(() => loadQwen2(dir)).toThrow(
        /model\.safetensors: tensor "model\.layers\.0\.mlp\.gate_proj\.weight" has shape \[128,64\], expected \[96,64\]\n.*\n.*\n.*\n.*\n… and 1 more\nThe weights do not match .*config\.json: re-save/,
      );
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...fixtureConfig, num_hidden_layers: 3 }));
      expect(() => loadQwen2(dir)).toThrow(/model\.safetensors: tensor "model\.layers\.2\.input_layernorm\.weight" is missing \(expected shape \[64\]\)/);
    }));

  it('saves an untied model in transformers layout and loads it back to the same logits', () =>
    withTempDir(async (dir) => {
      const config = readQwen2Config({ ...fixtureConfig, tie_word_embeddings: false, vocab_size: 40 });
      const model = randomInit(config, 7);
      await saveQwen2(model, dir);
      const saved = readSafetensors(join(dir, 'model.safetensors')).tensors;
      expect(saved['lm_head.weight']?.shape).toEqual([40, 64]);
      expect(saved['model.layers.0.mlp.down_proj.weight']?.shape).toEqual([64, 128]);
      const savedConfig = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
      expect([savedConfig.rope_theta, savedConfig.model_type, savedConfig.tie_word_embeddings]).toEqual([10000, 'qwen2', false]);
      const reloaded = loadQwen2(dir);
      const ids = tf.tensor2d([[1, 5, 9, 39]], undefined, 'int32');
      expect(relativeError(reloaded.forward({ inputIds: ids }).logits, model.forward({ inputIds: ids }).logits)).toBe(0);
      model.dispose();
      reloaded.dispose();
    }));
});

describe('Qwen2 training', () => {
  it('is deterministic per seed and sends a non-zero gradient to every parameter', () => {
    const config = readQwen2Config({ ...fixtureConfig, tie_word_embeddings: false, vocab_size: 48 });
    const model = randomInit(config, 3);
    const again = randomInit(config, 3);
    const name = 'model.layers.1.self_attn.k_proj.weight';
    expect(relativeError(again.parameters.get(name), model.parameters.get(name))).toBe(0);
    again.dispose();

    const ids = tf.tensor2d([[3, 17, 4, 40, 2, 9], [7, 7, 1, 0, 33, 12]], undefined, 'int32');
    const { grads } = tf.variableGrads(() => tf.mean(tf.square(model.forward({ inputIds: ids }).logits)) as tf.Scalar, model.parameters.variables());
    const specs = model.parameters.specs;
    expect(specs.map((s) => s.name)).toContain('lm_head.weight');
    for (const spec of specs) {
      const norm = tf.norm(grads[model.parameters.get(spec.name).name] as tf.Tensor).dataSync()[0] as number;
      expect(norm, spec.name).toBeGreaterThan(0);
      expect(Number.isFinite(norm), spec.name).toBe(true);
    }
    model.dispose();
  });
});
