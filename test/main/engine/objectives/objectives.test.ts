// SFT and DPO losses, rewards and gradients match the float64 reference of losses_reference.safetensors.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '../../../../src-main/engine/backend/tf';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSafetensors, type DecodedTensor } from '../../../../src-main/engine/io/safetensors';
import { dpoLoss, sequenceLogProbs, sftLoss, shiftForNextToken } from '../../../../src-main/engine/objectives';

const fixture = readSafetensors(join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/hf/losses_reference.safetensors')).tensors;

function ref<T extends tf.Tensor>(name: string): T {
  const t = fixture[name] as DecodedTensor;
  return tf.tensor(t.data, t.shape, t.dtype === 'int32' ? 'int32' : 'float32') as T;
}

/** max|actual − expected| / max|expected|. */
function relativeError(actual: tf.Tensor, expected: tf.Tensor): number {
  return tf.tidy(() => tf.div(tf.max(tf.abs(tf.sub(actual, expected))), tf.max(tf.abs(expected))).dataSync()[0] as number);
}

const beta = (fixture.beta as DecodedTensor).data[0] as number;
const chosen = { labels: ref<tf.Tensor2D>('chosen_labels'), mask: ref<tf.Tensor2D>('chosen_mask') };
const rejected = { labels: ref<tf.Tensor2D>('rejected_labels'), mask: ref<tf.Tensor2D>('rejected_mask') };

/** The DPO pipeline of a trainer: sequence log-probs of the four logits tensors, then the loss. */
function dpoFromLogits(policyChosen: tf.Tensor3D, policyRejected: tf.Tensor3D) {
  return dpoLoss(
    {
      policyChosen: sequenceLogProbs(policyChosen, chosen.labels, chosen.mask),
      policyRejected: sequenceLogProbs(policyRejected, rejected.labels, rejected.mask),
      referenceChosen: sequenceLogProbs(ref('reference_chosen_logits'), chosen.labels, chosen.mask),
      referenceRejected: sequenceLogProbs(ref('reference_rejected_logits'), rejected.labels, rejected.mask),
    },
    beta,
  );
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('dpoLoss', () => {
  it('matches the reference loss and rewards, with labels aligned to logits (no shift)', () => {
    const out = dpoFromLogits(ref('policy_chosen_logits'), ref('policy_rejected_logits'));
    const errors = {
      dpo_loss: relativeError(out.loss, tf.reshape(ref('dpo_loss'), [])),
      chosen_rewards: relativeError(out.chosenRewards, ref('chosen_rewards')),
      rejected_rewards: relativeError(out.rejectedRewards, ref('rejected_rewards')),
    };
    console.log('dpo, max|Δ|/max|ref|:', errors);
    for (const error of Object.values(errors)) expect(error).toBeLessThan(1e-5);
    expect(relativeError(out.margin, tf.sub(ref('chosen_rewards'), ref('rejected_rewards')))).toBeLessThan(1e-5);
    // Every reference pair has chosen reward > rejected reward.
    expect(Array.from(out.margin.dataSync()).every((margin) => margin > 0)).toBe(true);
  });

  it('matches the reference gradients with respect to both policy logits', () => {
    const grad = tf.grads((pc: tf.Tensor, pr: tf.Tensor) => dpoFromLogits(pc as tf.Tensor3D, pr as tf.Tensor3D).loss);
    const [gradChosen, gradRejected] = grad([ref('policy_chosen_logits'), ref('policy_rejected_logits')]);
    const errors = {
      dpo_grad_policy_chosen_logits: relativeError(gradChosen as tf.Tensor, ref('dpo_grad_policy_chosen_logits')),
      dpo_grad_policy_rejected_logits: relativeError(gradRejected as tf.Tensor, ref('dpo_grad_policy_rejected_logits')),
    };
    console.log('dpo grads, max|Δ|/max|ref|:', errors);
    for (const error of Object.values(errors)) expect(error).toBeLessThan(1e-5);
  });

  it('rejects a non-positive beta', () => {
    const zero = tf.zeros([1]) as tf.Tensor1D;
    expect(() => dpoLoss({ policyChosen: zero, policyRejected: zero, referenceChosen: zero, referenceRejected: zero }, 0)).toThrow(/beta/);
  });
});

describe('sftLoss', () => {
  it('matches the reference mean cross-entropy over masked tokens and its gradient', () => {
    const loss = (logits: tf.Tensor) => sftLoss(logits as tf.Tensor3D, chosen.labels, chosen.mask);
    const logits = ref<tf.Tensor3D>('policy_chosen_logits');
    const errors = {
      sft_loss: relativeError(loss(logits), tf.reshape(ref('sft_loss'), [])),
      sft_grad_logits: relativeError(tf.grad(loss)(logits), ref('sft_grad_logits')),
    };
    console.log('sft, max|Δ|/max|ref|:', errors);
    for (const error of Object.values(errors)) expect(error).toBeLessThan(1e-5);
  });

  it('is 0, not NaN, for a batch without answer tokens', () => {
    const loss = sftLoss(ref('policy_chosen_logits'), chosen.labels, tf.zeros([3, 6])).dataSync()[0];
    expect(loss === 0).toBe(true);
  });
});

describe('sequenceLogProbs and shiftForNextToken', () => {
  it('sums log-softmax at the label over masked positions, ignoring filler labels where masked', () => {
    const logits = tf.tensor3d([[[0, Math.log(3)], [Math.log(2), 0], [5, 5]]]);
    const labels = tf.tensor2d([[1, 0, -100]], undefined, 'int32');
    const mask = tf.tensor2d([[1, 1, 0]]);
    expect(sequenceLogProbs(logits, labels, mask).dataSync()[0]).toBeCloseTo(Math.log(3 / 4) + Math.log(2 / 3), 6);
  });

  it('aligns the logit at t with the token at t+1 and the mask of that token', () => {
    const logits = tf.reshape(tf.range(0, 2 * 4 * 3), [2, 4, 3]) as tf.Tensor3D;
    const inputIds = tf.tensor2d([[5, 6, 7, 8], [1, 2, 3, 4]], undefined, 'int32');
    const labelsMask = tf.tensor2d([[0, 0, 1, 1], [0, 1, 1, 0]]);
    const shifted = shiftForNextToken(logits, inputIds, labelsMask);
    expect(shifted.logits.shape).toEqual([2, 3, 3]);
    expect(shifted.logits.arraySync()[1]?.[2]).toEqual([18, 19, 20]);
    expect(shifted.labels.arraySync()).toEqual([[6, 7, 8], [2, 3, 4]]);
    expect(shifted.mask.arraySync()).toEqual([[0, 1, 1], [1, 1, 0]]);
  });
});
