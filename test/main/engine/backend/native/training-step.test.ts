// One SFT and one DPO step of the `tiny` MLLM on native against cpu, the reference: the loss and the gradient of
// every parameter (encoder, projector, LM) agree. This is the whole model — attention, norms, GELU, the
// log-softmax over the vocabulary, the embedding gather and its scatter — through the native kernels.
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../../src-main/engine/backend/select';
import * as tf from '../../../../../src-main/engine/backend/tf';
import { shapesTokenizerText } from '../../../../../src-main/engine/data/shapes/tokenizer';
import { createPresetMllm, MLLM_PARTS, type Mllm, type MllmBatch } from '../../../../../src-main/engine/models/mllm';
import { buildTrainingExample } from '../../../../../src-main/engine/tokenizer';
import { dpoLossOf, sftLossOf } from '../../../../../src-main/engine/objectives';
import { expectClose, seeded } from '../helpers';

interface Step {
  loss: number;
  grads: Map<string, Float32Array>;
}

const QUESTIONS: [string, string, string][] = [
  ['<image> what color is the circle ?', 'red', 'blue'],
  ['how many squares are there ? <image>', 'two', 'three'],
  ['<image> is the triangle left of the ring ?', 'yes', 'no'],
];

function batchOf(model: Mllm, answers: 'chosen' | 'pairs'): MllmBatch & { pixels: tf.Tensor4D } {
  const size = model.config.imageSize;
  const rows = QUESTIONS.map(([question, chosen], imageIndex) => ({ ...buildTrainingExample(model.tokenizer, { question, answer: chosen }), imageIndex }));
  if (answers === 'pairs') {
    QUESTIONS.forEach(([question, , rejected], imageIndex) => rows.push({ ...buildTrainingExample(model.tokenizer, { question, answer: rejected }), imageIndex }));
  }
  const pixels = tf.tensor4d(seeded(QUESTIONS.length * 3 * size * size, 7), [QUESTIONS.length, 3, size, size]);
  return { pixels, rows };
}

/** The loss and every parameter's gradient, read back as plain arrays. */
function step(backend: string, objective: 'sft' | 'dpo'): Promise<Step> {
  return selectBackend(backend).then(() => {
    const model = createPresetMllm('tiny', { tokenizerFiles: { 'tokenizer.json': shapesTokenizerText() }, tokenizerSource: 'shapes', seed: 3 });
    try {
      const named = MLLM_PARTS.flatMap((part) => model.namedVariables(part));
      const batch = batchOf(model, objective === 'sft' ? 'chosen' : 'pairs');
      // Fixed reference log-probs, so the DPO loss is not ln 2 and its gradient is not symmetric.
      const reference = { chosen: Float32Array.from([-9, -11, -8]), rejected: Float32Array.from([-10, -9, -12]) };
      const loss = (): tf.Scalar => (objective === 'sft' ? sftLossOf(model, batch) : dpoLossOf(model, batch, reference, 0.1, () => undefined));
      const { value, grads } = tf.variableGrads(loss, named.map(([, v]) => v));
      const result: Step = { loss: value.dataSync()[0]!, grads: new Map() };
      for (const [name, variable] of named) result.grads.set(name, grads[variable.name]!.dataSync() as Float32Array);
      tf.dispose([value, ...Object.values(grads), batch.pixels]);
      return result;
    } finally {
      model.dispose();
    }
  });
}

afterAll(() => selectBackend('cpu'));

describe.each(['sft', 'dpo'] as const)('one %s step of the tiny MLLM on native and cpu', (objective) => {
  it('gives the same loss and the same gradient for every parameter', async () => {
    const cpu = await step('cpu', objective);
    const native = await step('native', objective);
    expect(Number.isFinite(cpu.loss)).toBe(true);
    expect(Math.abs(native.loss - cpu.loss) / Math.abs(cpu.loss)).toBeLessThanOrEqual(1e-5);
    expect([...native.grads.keys()]).toEqual([...cpu.grads.keys()]);
    expect(cpu.grads.size).toBeGreaterThan(50);
    for (const [name, reference] of cpu.grads) {
      const actual = native.grads.get(name)!;
      // Softmax does not change when one key bias is added to every score of a row, so the vision tower's key
      // biases have a zero gradient in exact arithmetic (the LM's are rotated by RoPE, so theirs is not).
      if (name.startsWith('encoder/') && name.endsWith('k_proj.bias')) {
        expect(Math.max(...actual.map(Math.abs)), `${name} is zero up to rounding`).toBeLessThan(1e-7);
        continue;
      }
      expect(reference.some((g) => g !== 0), `${name} has a gradient`).toBe(true);
      // Relative to the largest gradient entry of the parameter: float32 sums in another order.
      expectClose(actual, reference, 2e-4, `${objective} gradient of ${name}`);
    }
  }, 120_000);
});
