// TRL's DPO metrics are averages of what the loss computed per pair (rewards and margins read back from dpoLoss),
// not a second computation: a pair counts as accurate when its margin is positive, and a step averages every pair of
// its micro-batches.
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../../../src-main/engine/backend/tf';
import { dpoLoss, dpoMetrics, type PairOutcome } from '../../../../src-main/engine/objectives';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** One micro-batch's outcome as dpoLossOf reads it back: the log-probs and dpoLoss's rewards and margins. */
function outcome(policyChosen: number[], policyRejected: number[], referenceChosen: number[], referenceRejected: number[], beta: number): PairOutcome {
  const t = (v: number[]) => tf.tensor1d(v);
  const out = dpoLoss({ policyChosen: t(policyChosen), policyRejected: t(policyRejected), referenceChosen: t(referenceChosen), referenceRejected: t(referenceRejected) }, beta);
  return {
    policyChosen: Float32Array.from(policyChosen), policyRejected: Float32Array.from(policyRejected),
    referenceChosen: Float32Array.from(referenceChosen), referenceRejected: Float32Array.from(referenceRejected),
    chosenRewards: out.chosenRewards.dataSync() as Float32Array, rejectedRewards: out.rejectedRewards.dataSync() as Float32Array, margins: out.margin.dataSync() as Float32Array,
  };
}

describe('dpoMetrics', () => {
  it('averages the loss\'s rewards over every pair of the step', () => {
    // Pair 1: rewards 0.5·(−1 − −2) = 0.5 and 0.5·(−3 − −2) = −0.5, margin 1. Pair 2: rewards −1 and 0, margin −1.
    // Pair 3 (second micro-batch): rewards 0 and 0, margin 0, which is not accurate.
    const step = [outcome([-1, -4], [-3, -2], [-2, -2], [-2, -2], 0.5), outcome([-5], [-6], [-5], [-6], 0.5)];
    const m = dpoMetrics(step);
    expect(m['rewards/chosen']).toBeCloseTo((0.5 - 1 + 0) / 3, 6);
    expect(m['rewards/rejected']).toBeCloseTo((-0.5 + 0 + 0) / 3, 6);
    expect(m['rewards/margins']).toBeCloseTo((1 - 1 + 0) / 3, 6);
    expect(m['rewards/accuracies']).toBeCloseTo(1 / 3, 6);
    expect(m['logps/chosen']).toBeCloseTo((-1 - 4 - 5) / 3, 6);
    expect(m['ref_logps/rejected']).toBeCloseTo((-2 - 2 - 6) / 3, 6);
  });
});
