// `pivot hf run` reproduces transformers' outputs for the fixture checkpoints from their own reference inputs:
// CLIP and SigLIP vision towers, and a Qwen2 LM from input_ids and from inputs_embeds, ≤ 1e-4 relative.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runHfModel } from '../../../src-main/cli/hf-run';
import { readSafetensors, type DecodedTensor } from '../../../src-main/engine/io/safetensors';
import { tempDir } from '../../helpers/workspace';
import { startPivot } from './run-pivot';

const FIXTURES = fileURLToPath(new URL('../../fixtures/hf', import.meta.url));
const TOLERANCE = 1e-4;
const INPUT_KEYS = ['pixel_values', 'input_ids', 'inputs_embeds'];

/** max|actual − expected| / max|expected|, as the engine's parity tests measure it. */
function relativeError(actual: DecodedTensor, expected: DecodedTensor): number {
  expect(actual.shape).toEqual(expected.shape);
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < expected.data.length; i++) {
    worst = Math.max(worst, Math.abs((actual.data[i] as number) - (expected.data[i] as number)));
    scale = Math.max(scale, Math.abs(expected.data[i] as number));
  }
  return worst / scale;
}

function expectParity(fixture: string, out: string): void {
  const reference = readSafetensors(join(FIXTURES, fixture, 'reference_outputs.safetensors')).tensors;
  const outputs = readSafetensors(out).tensors;
  const expected = Object.keys(reference).filter((k) => !INPUT_KEYS.includes(k)).sort();
  expect(Object.keys(outputs).sort()).toEqual(expected);
  for (const key of expected) {
    expect(relativeError(outputs[key]!, reference[key]!), key).toBeLessThanOrEqual(TOLERANCE);
  }
}

describe('hf run', () => {
  it.each(['clip-vision', 'siglip-vision', 'qwen2-lm'])('%s: every reference output within 1e-4 relative', async (fixture) => {
    const dir = join(FIXTURES, fixture);
    const out = join(tempDir('pivot-hf-'), 'out.safetensors');
    const report = await runHfModel({ modelDir: dir, inputs: join(dir, 'reference_outputs.safetensors'), out, backend: 'cpu' });
    expect(report.model).toBe(fixture.split('-')[0]);
    expectParity(fixture, out);
  });

  it('refuses inputs the model cannot read, saying which tensors it needs', async () => {
    const out = join(tempDir('pivot-hf-'), 'out.safetensors');
    const clipInputs = join(FIXTURES, 'clip-vision', 'reference_outputs.safetensors');
    await expect(runHfModel({ modelDir: join(FIXTURES, 'qwen2-lm'), inputs: clipInputs, out, backend: 'cpu' })).rejects.toThrow(
      /has neither input_ids .* nor inputs_embeds/,
    );
    await expect(runHfModel({ modelDir: join(FIXTURES, 'tokenizer'), inputs: clipInputs, out, backend: 'cpu' })).rejects.toThrow(/no config.json/);
  });

  it('refuses an architecture it does not run as UNSUPPORTED_MODEL, and inputs a model cannot read as INVALID_DATA', async () => {
    const out = join(tempDir('pivot-hf-'), 'out.safetensors');
    const clipInputs = join(FIXTURES, 'clip-vision', 'reference_outputs.safetensors');
    const bert = tempDir('pivot-hf-bert-');
    writeFileSync(join(bert, 'config.json'), JSON.stringify({ model_type: 'bert', architectures: ['BertModel'] }));
    await expect(runHfModel({ modelDir: bert, inputs: clipInputs, out, backend: 'cpu' })).rejects.toMatchObject({
      code: 'UNSUPPORTED_MODEL',
      message: expect.stringMatching(/not a CLIP or SigLIP vision model .* Or a Qwen2 causal LM \(model_type qwen2\)\.$/),
      details: { file: join(bert, 'config.json'), modelType: 'bert' },
    });
    await expect(runHfModel({ modelDir: join(FIXTURES, 'qwen2-lm'), inputs: clipInputs, out, backend: 'cpu' })).rejects.toMatchObject({
      code: 'INVALID_DATA',
      details: { file: clipInputs },
    });
  });

  it('as a command, on the default backend, writes the same outputs', async () => {
    const dir = join(FIXTURES, 'qwen2-lm');
    const out = join(tempDir('pivot-hf-'), 'out.safetensors');
    const { code, stdout, stderr } = await startPivot(['hf', 'run', dir, '--inputs', join(dir, 'reference_outputs.safetensors'), '--out', out, '--json']).done;
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ model: 'qwen2', out, outputs: { logits: [2, 17, 320], logits_from_embeds: [2, 9, 320] } });
    expectParity('qwen2-lm', out);
  });
});
