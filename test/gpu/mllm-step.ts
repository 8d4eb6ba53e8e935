// One SFT and one DPO step of the `tiny` MLLM on the target against cpu: the loss, the gradient of every parameter
// (encoder, projector, LM), and one AdamW update fed the same (cpu) gradients on both, so the optimizer is compared
// on its own. Records the fused ('Pivot…') kernels the target's step ran: the models use them where offered.
import * as tf from '../../src-main/engine/backend/tf';
import { shapesTokenizerText } from '../../src-main/engine/data/shapes/tokenizer';
import { createPresetMllm, MLLM_PARTS, type Mllm, type MllmBatch } from '../../src-main/engine/models/mllm';
import { buildTrainingExample } from '../../src-main/engine/tokenizer';
import { AdamW } from '../../src-main/engine/train/adamw';
import { dpoLossOf, sftLossOf } from '../../src-main/engine/objectives';
import { recordKernels } from '../main/engine/backend/kernel-usage/record';
import { fmt, on, relativeError, seeded, TARGET, type CheckResult } from './compare';
import { setTf32 } from './device';

/** float32 sums in another order over a whole model; TF32 is off for this comparison. */
const LOSS_TOL = 1e-5;
const GRAD_TOL = 2e-4;
/** Gradients smaller than this fraction of the model's largest are compared at that scale. */
const GRAD_FLOOR = 1e-6;
const ADAMW_TOL = 1e-5;

const QUESTIONS: [string, string, string][] = [
  ['<image> what color is the circle ?', 'red', 'blue'],
  ['how many squares are there ? <image>', 'two', 'three'],
  ['<image> is the triangle left of the ring ?', 'yes', 'no'],
];

interface Step {
  loss: number;
  grads: Map<string, Float32Array>;
  /** Every parameter after one AdamW step from the given gradients. */
  updated: Map<string, Float32Array>;
}

function batchOf(model: Mllm, pairs: boolean): MllmBatch {
  const size = model.config.imageSize;
  const example = (question: string, answer: string, imageIndex: number) => ({ ...buildTrainingExample(model.tokenizer, { question, answer }), imageIndex });
  const rows = QUESTIONS.map(([question, chosen], i) => example(question, chosen, i));
  if (pairs) QUESTIONS.forEach(([question, , rejected], i) => rows.push(example(question, rejected, i)));
  return { pixels: tf.tensor4d(seeded(QUESTIONS.length * 3 * size * size, 7), [QUESTIONS.length, 3, size, size]), rows };
}

/** The step on the active backend; `adamwGrads` (cpu's) feed the optimizer when given, else its own gradients. */
function step(objective: 'sft' | 'dpo', adamwGrads?: Map<string, Float32Array>): Step {
  const model = createPresetMllm('tiny', { tokenizerFiles: { 'tokenizer.json': shapesTokenizerText() }, tokenizerSource: 'shapes', seed: 3 });
  try {
    const named = MLLM_PARTS.flatMap((part) => model.namedVariables(part));
    const batch = batchOf(model, objective === 'dpo');
    // Fixed reference log-probs, so the DPO loss is not ln 2 and its gradient is not symmetric.
    const reference = { chosen: Float32Array.from([-9, -11, -8]), rejected: Float32Array.from([-10, -9, -12]) };
    const loss = (): tf.Scalar => (objective === 'sft' ? sftLossOf(model, batch) : dpoLossOf(model, batch, reference, 0.1, () => undefined));
    const { value, grads } = tf.variableGrads(loss, named.map(([, v]) => v));
    const result: Step = { loss: value.dataSync()[0] as number, grads: new Map(), updated: new Map() };
    for (const [name, variable] of named) result.grads.set(name, grads[variable.name]?.dataSync() as Float32Array);
    tf.dispose([value, ...Object.values(grads), batch.pixels as tf.Tensor]);
    const optimizer = new AdamW([{ name: 'all', lr: 1e-3, variables: named }], { weightDecay: 0.01 });
    const given = new Map(named.map(([name, v]) => [name, tf.tensor((adamwGrads ?? result.grads).get(name) as Float32Array, v.shape)]));
    optimizer.apply(given, 1);
    for (const [name, variable] of named) result.updated.set(name, variable.dataSync() as Float32Array);
    tf.dispose([...given.values()]);
    optimizer.dispose();
    return result;
  } finally {
    model.dispose();
  }
}

export async function mllmStep(objective: 'sft' | 'dpo'): Promise<CheckResult[]> {
  setTf32(false);
  const cpu = await on('cpu', () => step(objective));
  const { result: target, uses } = await on(TARGET, () => recordKernels(() => step(objective, cpu.grads)));
  setTf32(true);
  const lossError = Math.abs(target.loss - cpu.loss) / Math.abs(cpu.loss);
  // A gradient that is zero in exact arithmetic (the key bias: softmax ignores a shift shared by all keys) is float32
  // noise on both backends, so each is measured against the larger of its own scale and a floor at the model's.
  const largest = (xs: Float32Array) => xs.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
  const floor = GRAD_FLOOR * Math.max(...[...cpu.grads.values()].map(largest));
  const gradErrors = [...cpu.grads].map(([name, ref]) => {
    const scale = largest(ref);
    const error = relativeError(target.grads.get(name) ?? [], ref) * (scale / Math.max(scale, floor));
    return { name, error, scale, zero: scale === 0 };
  });
  const adamwErrors = [...cpu.updated].map(([name, ref]) => ({ name, error: relativeError(target.updated.get(name) ?? [], ref) }));
  const worstGrad = [...gradErrors].sort((a, b) => b.error - a.error)[0];
  const worstAdamw = [...adamwErrors].sort((a, b) => b.error - a.error)[0];
  const badGrads = gradErrors.filter((g) => !(g.error <= GRAD_TOL));
  const zeroGrads = gradErrors.filter((g) => g.zero);
  const fused = [...uses].filter(([name]) => name.startsWith('Pivot')).map(([name, use]) => `${name}×${use.calls}`);
  const ok = Number.isFinite(cpu.loss) && lossError <= LOSS_TOL && badGrads.length === 0 && zeroGrads.length === 0 && (worstAdamw?.error ?? 0) <= ADAMW_TOL;
  const numbers = [
    `loss ${target.loss.toFixed(5)} vs ${cpu.loss.toFixed(5)} (${fmt(lossError)} ≤ ${fmt(LOSS_TOL)})`,
    `${gradErrors.length} gradients, worst ${fmt(worstGrad?.error ?? 0)} ≤ ${fmt(GRAD_TOL)} (${worstGrad?.name})`,
    `AdamW worst ${fmt(worstAdamw?.error ?? 0)} ≤ ${fmt(ADAMW_TOL)}`,
    `fused kernels run: ${fused.length ? fused.join(', ') : 'none'}`,
    ...(badGrads.length ? [`${badGrads.length} gradients off: ${badGrads.slice(0, 3).map((g) => `${g.name} ${fmt(g.error)}`).join(', ')}`] : []),
    ...(zeroGrads.length ? [`${zeroGrads.length} parameters without a gradient on cpu`] : []),
  ].join('; ');
  return [{
    check: `tiny ${objective.toUpperCase()} step vs cpu`,
    status: ok ? 'pass' : 'fail',
    numbers,
    details: { loss: { target: target.loss, cpu: cpu.loss, error: lossError }, gradErrors, adamwErrors, kernels: Object.fromEntries([...uses].map(([k, u]) => [k, u.calls])) },
  }];
}
