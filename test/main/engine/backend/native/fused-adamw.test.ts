// AdamW on native updates every parameter in place in one addon call; the parameters and moments it leaves must
// be those of AdamW's tfjs update on cpu (the reference) over three steps with weight decay, two learning rates, a
// parameter skipped for a step, and a resume through state()/loadState() before the third. A parameter whose
// buffer another tensor shares is left to the tfjs update, and the sharer keeps its values.
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { NativeBackend } from '../../../../../src-main/engine/backend/native/backend';
import { selectBackend } from '../../../../../src-main/engine/backend/select';
import * as tf from '../../../../../src-main/engine/backend/tf';
import { SafetensorsFile, writeSafetensors } from '../../../../../src-main/engine/io/safetensors';
import { AdamW } from '../../../../../src-main/engine/train/adamw';
import { expectClose, seeded } from '../helpers';

const SHAPES = [[3, 5], [7], [1], [64, 33]];
const NAMES = ['a', 'b', 'c', 'd'];

/** Variables holding seeded values (the initial tensors freed, so each variable owns its buffer). */
function variablesOf(values: Float32Array[]): tf.Variable[] {
  return values.map((v, k) => tf.tidy(() => tf.variable(tf.tensor(v, SHAPES[k]), true)));
}

/** Two groups with their own learning rate; weight decay on. */
function optimizerFor(variables: tf.Variable[]): AdamW {
  return new AdamW(
    [
      { name: 'main', lr: 0.01, variables: variables.slice(0, 3).map((v, k) => [NAMES[k]!, v] as const) },
      { name: 'encoder', lr: 0.003, variables: [[NAMES[3]!, variables[3]!] as const] },
    ],
    { weightDecay: 0.1 },
  );
}

/** Step `step`'s seeded gradients (parameter c has none at step 2: its step count falls behind). */
function applyStep(optimizer: AdamW, step: number, lrFactor: number): void {
  const grads = new Map<string, tf.Tensor>();
  SHAPES.forEach((shape, k) => {
    if (step === 2 && k === 2) return;
    grads.set(NAMES[k]!, tf.tensor(seeded(tf.util.sizeFromShape(shape), 100 + 10 * step + k, 0.1 * (k + 1)), shape));
  });
  optimizer.apply(grads, lrFactor);
  tf.dispose([...grads.values()]);
}

/** Three steps on `backend`, resuming from state()/loadState() into fresh variables before the third. */
async function train(backend: string): Promise<{ params: Float32Array[]; moments: Float32Array[] }> {
  await selectBackend(backend);
  const first = variablesOf(SHAPES.map((shape, k) => seeded(tf.util.sizeFromShape(shape), k + 1)));
  const optimizer = optimizerFor(first);
  applyStep(optimizer, 1, 1);
  applyStep(optimizer, 2, 0.5);
  const { tensors, steps } = await optimizer.state();
  const resumed = variablesOf(first.map((v) => v.dataSync() as Float32Array));
  optimizer.dispose();
  tf.dispose(first);
  const second = optimizerFor(resumed);
  second.loadState(SafetensorsFile.open(writeSafetensors(tensors)), steps);
  applyStep(second, 3, 0.25);
  const state = await second.state();
  const result = {
    params: resumed.map((v) => v.dataSync() as Float32Array),
    moments: Object.values(state.tensors).map((t) => t.data as Float32Array),
  };
  second.dispose();
  tf.dispose(resumed);
  return result;
}

afterEach(() => vi.restoreAllMocks());
afterAll(() => selectBackend('cpu'));

describe('AdamW on native', () => {
  it('updates all parameters in one call per step, as the tfjs update on cpu does', async () => {
    const reference = await train('cpu');
    await selectBackend('native');
    const fused = vi.spyOn((tf.backend() as NativeBackend).addon, 'adamw');
    const native = await train('native');
    // One call per step, for every parameter that has a gradient that step.
    expect(fused.mock.calls.map((call) => call[0].length)).toEqual([4, 3, 4]);
    native.params.forEach((p, k) => expectClose(p, reference.params[k]!, 1e-6, `parameter ${NAMES[k]}`));
    native.moments.forEach((m, k) => expectClose(m, reference.moments[k]!, 1e-6, `moment ${k}`));
  });

  it('leaves a parameter whose buffer is shared to the tfjs update, and the sharer untouched', async () => {
    await selectBackend('native');
    const fused = vi.spyOn((tf.backend() as NativeBackend).addon, 'adamw');
    const variables = variablesOf(SHAPES.map((shape, k) => seeded(tf.util.sizeFromShape(shape), k + 1)));
    const alias = tf.reshape(variables[0]!, [-1]);
    const before = alias.dataSync().slice();
    const optimizer = optimizerFor(variables);
    applyStep(optimizer, 1, 1);
    expect(fused.mock.calls.map((call) => call[0].length)).toEqual([3]);
    expect(Array.from(alias.dataSync())).toEqual(Array.from(before));
    expect(Array.from(variables[0]!.dataSync())).not.toEqual(Array.from(before));
    optimizer.dispose();
    tf.dispose([alias, ...variables]);
  });
});
