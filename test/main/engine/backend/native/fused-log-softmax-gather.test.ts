// The fused log-softmax gather on native (tokenLogProbs takes it there) against tokenLogProbs's composed ops on
// cpu (the reference): the log-probabilities and the gradient w.r.t. the logits, with labels out of range (HF's
// -100, past the vocabulary) clipped alike, over an odd vocabulary, a single row and ~100k logits.
import { afterAll, describe, expect, it } from 'vitest';
import { backendHasKernel } from '../../../../../src-main/engine/backend/native/fused/available';
import { PIVOT_LOG_SOFTMAX_GATHER } from '../../../../../src-main/engine/backend/native/fused/log-softmax-gather';
import { selectBackend } from '../../../../../src-main/engine/backend/select';
import * as tf from '../../../../../src-main/engine/backend/tf';
import { tokenLogProbs } from '../../../../../src-main/engine/objectives/logProbs';
import { expectClose, seeded } from '../helpers';

/** Labels in [-100, vocab + 4]: mostly real tokens, some masked-out filler and some past the vocabulary. */
function labelsOf(count: number, vocab: number): Int32Array {
  return Int32Array.from(seeded(count, 21), (u, i) => (i % 7 === 3 ? -100 : i % 11 === 5 ? vocab + 4 : Math.floor(((u + 1) / 2) * vocab)));
}

/** tokenLogProbs of seeded [B, T, V] logits on `backend` and its gradient for a seeded dy, as plain arrays. */
async function run(backend: string, [batch, time, vocab]: number[]) {
  await selectBackend(backend);
  return tf.tidy(() => {
    // Spread wide enough that the softmax is peaked and the logsumexp's max shift matters.
    const logits = tf.tensor3d(seeded(batch * time * vocab, 22, 8), [batch, time, vocab]);
    const labels = tf.tensor2d(labelsOf(batch * time, vocab), [batch, time], 'int32');
    const f = (x: tf.Tensor) => tokenLogProbs(x as tf.Tensor3D, labels);
    const [dlogits] = tf.grads(f)([logits], tf.tensor2d(seeded(batch * time, 23), [batch, time]));
    return {
      fused: backendHasKernel(PIVOT_LOG_SOFTMAX_GATHER),
      logProbs: f(logits).dataSync() as Float32Array,
      dlogits: dlogits!.dataSync() as Float32Array,
    };
  });
}

afterAll(() => selectBackend('cpu'));

describe('fused log-softmax gather on native against tokenLogProbs on cpu', () => {
  it.each([
    ['odd vocabulary', [2, 5, 37]],
    ['one row', [1, 1, 50]],
    ['~100k logits', [4, 50, 501]],
    ['a vocabulary of one', [3, 2, 1]],
  ])('%s %j: same log-probs and gradient', async (_, shape) => {
    const reference = await run('cpu', shape);
    const native = await run('native', shape);
    expect(reference.fused).toBe(false);
    expect(native.fused).toBe(true);
    // Relative to the largest value (log-probs measured ≤ 5e-8): the kernel sums exp in double, the composed ops in
    // float32.
    expectClose(native.logProbs, reference.logProbs, 1e-6, 'log-probs');
    expectClose(native.dlogits, reference.dlogits, 1e-6, 'dlogits');
  }, 60_000);
});
