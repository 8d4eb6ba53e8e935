// What loading a model refuses before it allocates or runs anything: a config whose weights cannot fit in this
// machine's memory (named field, estimate, well under a second) and a weight holding NaN or Infinity (named tensor).
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '../../../../src-main/engine/backend/tf';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readSafetensors, writeSafetensors, type TensorToWrite } from '../../../../src-main/engine/io/safetensors';
import { checkModelFits } from '../../../../src-main/engine/models/model-size';
import { loadVisionModel } from '../../../../src-main/engine/models/hf';
import { loadQwen2, qwen2ParamSpecs, readQwen2Config } from '../../../../src-main/engine/models/qwen2';
import { copyFixture, FIXTURES, fixtureDir } from './vision/helpers';

const QWEN2 = join(FIXTURES, 'qwen2-lm');
const MEMORY = `${Math.round(totalmem() / 1e9).toLocaleString('en-US')} GB`;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

/** A copy of the Qwen2 fixture with its config.json and tensors rewritten. */
function qwen2Copy(
  config: (json: Record<string, unknown>) => unknown,
  rewrite: (tensors: Record<string, TensorToWrite>) => Record<string, TensorToWrite> = (t) => t,
): string {
  const dir = mkdtempSync(join(tmpdir(), 'pivot-qwen2-refusal-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const json = JSON.parse(readFileSync(join(QWEN2, 'config.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config(json)));
  const { tensors, metadata } = readSafetensors(join(QWEN2, 'model.safetensors'));
  const writable: Record<string, TensorToWrite> = Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, { dtype: 'F32', shape: t.shape, data: t.data as Float32Array }]));
  writeFileSync(join(dir, 'model.safetensors'), writeSafetensors(rewrite(writable), metadata));
  copyFileSync(join(QWEN2, 'generation_config.json'), join(dir, 'generation_config.json'));
  return dir;
}

function visionCopy(...args: Parameters<typeof copyFixture>): string {
  const { dir, cleanup } = copyFixture(...args);
  cleanups.push(cleanup);
  return dir;
}

/** Runs `load`, expecting a refusal; returns the error and how long it took. */
async function refusal(load: () => unknown): Promise<{ error: unknown; ms: number }> {
  const start = performance.now();
  try {
    await load();
  } catch (error) {
    return { error, ms: performance.now() - start };
  }
  throw new Error('expected a refusal');
}

describe('a config whose model cannot fit in memory is refused before anything is allocated', () => {
  it('num_hidden_layers 1e9 in a CLIP config.json: the field and the estimate, in well under a second', async () => {
    const dir = visionCopy('clip-vision', (t) => t, (json) => ({ ...json, num_hidden_layers: 1e9 }));
    const { error, ms } = await refusal(() => loadVisionModel(dir));
    const file = join(dir, 'config.json');
    expect(error).toMatchObject({
      code: 'INVALID_CONFIG',
      message: `${file}: "num_hidden_layers" 1000000000 gives a model of about 3.35e+13 parameters, 133,888 GB as float32, ` +
        `more than this machine's ${MEMORY} of memory; check "num_hidden_layers" (and the other sizes) in the config`,
      details: { file, field: 'num_hidden_layers', value: 1e9 },
    });
    expect(ms).toBeLessThan(500);
  });

  it('num_hidden_layers 1e9 in a Qwen2 config.json', async () => {
    const dir = qwen2Copy((json) => ({ ...json, num_hidden_layers: 1e9 }));
    const { error, ms } = await refusal(() => loadQwen2(dir));
    const file = join(dir, 'config.json');
    expect(error).toMatchObject({
      code: 'INVALID_CONFIG',
      message: `${file}: "num_hidden_layers" 1000000000 gives a model of about 3.71e+13 parameters, 148,480 GB as float32, ` +
        `more than this machine's ${MEMORY} of memory; check "num_hidden_layers" (and the other sizes) in the config`,
      details: { file, field: 'num_hidden_layers', value: 1e9 },
    });
    expect(ms).toBeLessThan(500);
  });

  it('a hidden_size past what a number counts, and a huge vocab_size, each named', async () => {
    const dir = visionCopy('siglip-vision', (t) => t, (json) => ({ ...json, hidden_size: 1e300 }));
    const { error } = await refusal(() => loadVisionModel(dir));
    expect(error).toMatchObject({
      code: 'INVALID_CONFIG',
      message: `${join(dir, 'config.json')}: "hidden_size" 1e+300 gives a model of more parameters than can be counted, ` +
        `more than this machine's ${MEMORY} of memory; check "hidden_size" (and the other sizes) in the config`,
    });
    const json = JSON.parse(readFileSync(join(QWEN2, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(() => readQwen2Config({ ...json, vocab_size: 2 ** 40 }, 'lm/config.json')).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG', details: { file: 'lm/config.json', field: 'vocab_size', value: 2 ** 40 } }),
    );
  });

  it('the estimate is the exact parameter count, and a model that fits passes', () => {
    const json = JSON.parse(readFileSync(join(QWEN2, 'config.json'), 'utf8')) as Record<string, unknown>;
    const config = readQwen2Config(json);
    const exact = qwen2ParamSpecs(config).reduce((sum, s) => sum + s.shape.reduce((a, b) => a * b, 1), 0);
    expect(() => checkModelFits(config, 'c.json', ['num_hidden_layers'], qwen2ParamSpecs, exact * 4)).not.toThrow();
    expect(() => checkModelFits(config, 'c.json', ['num_hidden_layers'], qwen2ParamSpecs, exact * 4 - 1)).toThrow(
      `c.json: "num_hidden_layers" 2 gives a model of about ${exact.toPrecision(3)} parameters, 0 GB as float32`,
    );
  });

  it('the fixture configs still load', async () => {
    const clip = await loadVisionModel(fixtureDir('clip-vision'));
    const siglip = await loadVisionModel(fixtureDir('siglip-vision'));
    const lm = loadQwen2(QWEN2);
    expect([clip.config.num_hidden_layers, siglip.config.num_hidden_layers, lm.config.num_hidden_layers]).toEqual([2, 2, 2]);
    clip.dispose();
    siglip.dispose();
    lm.dispose();
  });
});

describe('a weight holding NaN or Infinity is refused, naming the tensor', () => {
  it('NaN in a vision tower', async () => {
    const dir = visionCopy('clip-vision', (tensors) => {
      const w = tensors['encoder.layers.1.mlp.fc2.weight']!;
      const data = Float32Array.from(w.data as Float32Array);
      data[5] = NaN;
      return { ...tensors, 'encoder.layers.1.mlp.fc2.weight': { ...w, data } };
    });
    const file = join(dir, 'model.safetensors');
    const before = tf.memory().numTensors;
    const { error } = await refusal(() => loadVisionModel(dir));
    // The weights read before the bad one are freed: a long-lived engine host does not keep them.
    expect(tf.memory().numTensors).toBe(before);
    expect(error).toMatchObject({
      code: 'INVALID_DATA',
      message: `${file}: tensor "encoder.layers.1.mlp.fc2.weight" holds NaN at index 5; a model's weights must be finite numbers. ` +
        'The checkpoint is damaged or comes from a run that diverged: save or download it again',
      details: { file, tensor: 'encoder.layers.1.mlp.fc2.weight' },
    });
  });

  it('Infinity in a language model', async () => {
    const dir = qwen2Copy((json) => json, (tensors) => {
      const w = tensors['model.norm.weight']!;
      return { ...tensors, 'model.norm.weight': { ...w, data: Float32Array.from(w.data as Float32Array).fill(-Infinity, 3, 4) } };
    });
    const { error } = await refusal(() => loadQwen2(dir));
    expect(error).toMatchObject({
      code: 'INVALID_DATA',
      message: expect.stringMatching(/model\.safetensors: tensor "model\.norm\.weight" holds -Infinity at index 3; /),
      details: { tensor: 'model.norm.weight' },
    });
  });
});
