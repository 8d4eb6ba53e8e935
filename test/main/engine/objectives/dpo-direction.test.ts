// DPO pushes towards the chosen answer and away from the rejected one: the loss and rewards equal TRL's sigmoid
// loss computed by hand in float64, and a few steps on a fixed batch of the toy MLLM raise the chosen-minus-rejected
// margin and the reward accuracy. Swapping chosen and rejected anywhere in dpoLoss / dpoLossOf fails here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../src-main/engine/backend/select';
import * as tf from '../../../../src-main/engine/backend/tf';
import { shapesTokenizerText } from '../../../../src-main/engine/data/shapes/tokenizer';
import { createPresetMllm, type Mllm, type MllmBatch } from '../../../../src-main/engine/models/mllm';
import { dpoLoss, dpoLossOf, dpoMetrics, sequenceLogpsOf, type PairOutcome } from '../../../../src-main/engine/objectives';
import { buildTrainingExample } from '../../../../src-main/engine/tokenizer';

/** −log σ(β·((πc − rc) − (πr − rr))) in float64, the mean over pairs. */
function handLoss(pc: number[], pr: number[], rc: number[], rr: number[], beta: number): number {
  const terms = pc.map((_, i) => {
    const z = beta * ((pc[i]! - rc[i]!) - (pr[i]! - rr[i]!));
    return Math.log(1 + Math.exp(-z));
  });
  return terms.reduce((a, b) => a + b, 0) / terms.length;
}

let model: Mllm;

beforeAll(async () => {
  await selectBackend('cpu');
  model = createPresetMllm('toy', { tokenizerFiles: { 'tokenizer.json': shapesTokenizerText() }, tokenizerSource: 'shapes', seed: 1 });
});
afterAll(() => model.dispose());

describe('dpoLoss against hand-computed values', () => {
  it('rewards the chosen side: loss, rewards and margins are TRL\'s sigmoid loss in float64', () => {
    // Pair 0 prefers chosen (policy moved up on chosen, down on rejected), pair 1 the rejected one, pair 2 is even.
    const pc = [-2, -5, -3], pr = [-6, -1, -3], rc = [-3, -4, -3], rr = [-4, -2, -3];
    const beta = 0.5;
    const out = dpoLoss({ policyChosen: tf.tensor1d(pc), policyRejected: tf.tensor1d(pr), referenceChosen: tf.tensor1d(rc), referenceRejected: tf.tensor1d(rr) }, beta);
    expect(out.loss.dataSync()[0]).toBeCloseTo(handLoss(pc, pr, rc, rr, beta), 6);
    // β(πc − rc) = [0.5, −0.5, 0]; β(πr − rr) = [−1, 0.5, 0]; margins [1.5, −1, 0].
    expect(Array.from(out.chosenRewards.dataSync())).toEqual([0.5, -0.5, 0]);
    expect(Array.from(out.rejectedRewards.dataSync())).toEqual([-1, 0.5, 0]);
    expect(Array.from(out.margin.dataSync())).toEqual([1.5, -1, 0]);
    // log(1+e^−1.5), log(1+e^1), log 2 averaged.
    expect(out.loss.dataSync()[0]).toBeCloseTo((Math.log1p(Math.exp(-1.5)) + Math.log1p(Math.exp(1)) + Math.LN2) / 3, 6);
  });
});

/** One image, asked once: chosen (row 0) and rejected (row 1) answers over the same picture. */
function pairBatch(): MllmBatch {
  const size = model.config.imageSize;
  const rows = [
    { ...buildTrainingExample(model.tokenizer, { question: '<image>What shape is it?', answer: 'circle' }), imageIndex: 0 },
    { ...buildTrainingExample(model.tokenizer, { question: '<image>What shape is it?', answer: 'square' }), imageIndex: 0 },
  ];
  return { pixels: tf.randomNormal([1, 3, size, size], 0, 1, 'float32', 5) as tf.Tensor4D, rows };
}

describe('dpoLossOf', () => {
  it('reads the first half of the rows as chosen and matches the hand-computed loss of the model\'s log-probs', () => {
    const batch = pairBatch();
    const logps = Array.from(sequenceLogpsOf(model, batch).dataSync());
    const reference = { chosen: Float32Array.of(logps[0]! + 0.7), rejected: Float32Array.of(logps[1]! - 0.4) };
    let seen: PairOutcome | undefined;
    const loss = dpoLossOf(model, batch, reference, 0.1, (p) => { seen = p; });
    expect(loss.dataSync()[0]).toBeCloseTo(handLoss([logps[0]!], [logps[1]!], [reference.chosen[0]!], [reference.rejected[0]!], 0.1), 5);
    expect(seen!.policyChosen[0]).toBeCloseTo(logps[0]!, 4);
    expect(seen!.policyRejected[0]).toBeCloseTo(logps[1]!, 4);
    // β(−0.7) − β(0.4): the chosen side fell against its reference, the rejected side rose.
    expect(seen!.margins[0]).toBeCloseTo(-0.11, 4);
  });

  it('a few steps on a fixed batch raise the chosen-minus-rejected margin and the reward accuracy', () => {
    const batch = pairBatch();
    const start = sequenceLogpsOf(model, batch).dataSync();
    const reference = { chosen: Float32Array.of(start[0]!), rejected: Float32Array.of(start[1]!) };
    const optimizer = tf.train.adam(1e-2);
    const variables = model.variables('lm');
    const steps: Record<string, number>[] = [];
    for (let step = 0; step < 4; step++) {
      const pairs: PairOutcome[] = [];
      optimizer.minimize(() => dpoLossOf(model, batch, reference, 0.1, (p) => pairs.push(p)), false, variables);
      steps.push(dpoMetrics(pairs));
    }
    const after = sequenceLogpsOf(model, batch).dataSync();
    // The first step starts at the reference: margin 0, not accurate. Then chosen rises against rejected.
    expect(steps[0]!['rewards/margins']).toBeCloseTo(0, 5);
    expect(steps[0]!['rewards/accuracies']).toBe(0);
    expect(steps[3]!['rewards/margins']).toBeGreaterThan(0.05);
    expect(steps[3]!['rewards/accuracies']).toBe(1);
    expect(steps[3]!['rewards/chosen']).toBeGreaterThan(steps[3]!['rewards/rejected']!);
    expect((after[0]! - start[0]!) - (after[1]! - start[1]!)).toBeGreaterThan(0.5);
    optimizer.dispose();
  });
});
