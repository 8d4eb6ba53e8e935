// The Hugging Face parity fixtures (test/fixtures/hf: transformers' outputs in float64) on the target backend: CLIP
// and SigLIP towers, the Qwen2 LM, and the SFT / DPO losses with their gradients. TF32 off must hold the CPU
// suite's 1e-4 (losses 1e-5); TF32 on is reported against a looser 1e-2.
import { join, resolve } from 'node:path';
import * as tf from '../../src-main/engine/backend/tf';
import { readSafetensors, type DecodedTensor } from '../../src-main/engine/io/safetensors';
import { loadVisionModel } from '../../src-main/engine/models/hf';
import { loadQwen2 } from '../../src-main/engine/models/qwen2';
import { dpoLoss, sequenceLogProbs, sftLoss } from '../../src-main/engine/objectives';
import { fmt, on, relativeError, TARGET, type CheckResult } from './compare';
import { setTf32 } from './device';

/** Where the fixtures are: test/fixtures/hf of the working tree, which travels to the GPU machine with it. */
const FIXTURES = resolve(process.env.PIVOT_HF_FIXTURES ?? 'test/fixtures/hf');
const TOL = { off: 1e-4, on: 1e-2, lossOff: 1e-5 };

function tensorsOf(file: string): Record<string, tf.Tensor> {
  const { tensors } = readSafetensors(join(FIXTURES, file));
  return Object.fromEntries(Object.entries(tensors).map(([key, t]: [string, DecodedTensor]) => [key, tf.tensor(t.data, t.shape, t.dtype === 'int32' ? 'int32' : 'float32')]));
}

const error = (actual: tf.Tensor, expected: tf.Tensor | undefined): number =>
  expected === undefined || !tf.util.arraysEqual(actual.shape, expected.shape) ? Number.POSITIVE_INFINITY : relativeError(actual.dataSync(), expected.dataSync());

/** Every reference output of every fixture → its error on the active backend. */
async function errors(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of ['clip-vision', 'siglip-vision']) {
    const model = await loadVisionModel(join(FIXTURES, name));
    const ref = tensorsOf(`${name}/reference_outputs.safetensors`);
    tf.tidy(() => {
      const o = model.forward(ref.pixel_values as tf.Tensor, { outputHiddenStates: true });
      out[`${name} last_hidden_state`] = error(o.lastHiddenState, ref.last_hidden_state);
      if (o.poolerOutput) out[`${name} pooler_output`] = error(o.poolerOutput, ref.pooler_output);
      o.hiddenStates?.forEach((h, i) => (out[`${name} hidden_states.${i}`] = error(h, ref[`hidden_states.${i}`])));
    });
    model.dispose();
    tf.dispose(Object.values(ref));
  }
  const lm = loadQwen2(join(FIXTURES, 'qwen2-lm'));
  const ref = tensorsOf('qwen2-lm/reference_outputs.safetensors');
  tf.tidy(() => {
    const o = lm.forward({ inputIds: ref.input_ids as tf.Tensor2D }, { outputHiddenStates: true });
    out['qwen2-lm logits'] = error(o.logits, ref.logits);
    o.hiddenStates?.forEach((h, i) => (out[`qwen2-lm hidden_states.${i}`] = error(h, ref[`hidden_states.${i}`])));
    out['qwen2-lm logits_from_embeds'] = error(lm.forward({ inputsEmbeds: ref.inputs_embeds as tf.Tensor3D }).logits, ref.logits_from_embeds);
  });
  lm.dispose();
  tf.dispose(Object.values(ref));
  const l = tensorsOf('losses_reference.safetensors');
  tf.tidy(() => {
    const [chosen, rejected] = [{ labels: l.chosen_labels, mask: l.chosen_mask }, { labels: l.rejected_labels, mask: l.rejected_mask }] as { labels: tf.Tensor2D; mask: tf.Tensor2D }[];
    const beta = (l.beta as tf.Tensor).dataSync()[0] as number;
    const dpo = (pc: tf.Tensor, pr: tf.Tensor) => dpoLoss({
      policyChosen: sequenceLogProbs(pc as tf.Tensor3D, chosen!.labels, chosen!.mask),
      policyRejected: sequenceLogProbs(pr as tf.Tensor3D, rejected!.labels, rejected!.mask),
      referenceChosen: sequenceLogProbs(l.reference_chosen_logits as tf.Tensor3D, chosen!.labels, chosen!.mask),
      referenceRejected: sequenceLogProbs(l.reference_rejected_logits as tf.Tensor3D, rejected!.labels, rejected!.mask),
    }, beta).loss;
    const [pc, pr] = [l.policy_chosen_logits, l.policy_rejected_logits] as tf.Tensor[];
    out['losses dpo_loss'] = error(dpo(pc!, pr!), tf.reshape(l.dpo_loss as tf.Tensor, []));
    const [gc, gr] = tf.grads(dpo)([pc!, pr!]);
    out['losses dpo_grad_policy_chosen_logits'] = error(gc!, l.dpo_grad_policy_chosen_logits);
    out['losses dpo_grad_policy_rejected_logits'] = error(gr!, l.dpo_grad_policy_rejected_logits);
    const sft = (logits: tf.Tensor) => sftLoss(logits as tf.Tensor3D, chosen!.labels, chosen!.mask);
    out['losses sft_loss'] = error(sft(pc!), tf.reshape(l.sft_loss as tf.Tensor, []));
    out['losses sft_grad_logits'] = error(tf.grad(sft)(pc!), l.sft_grad_logits);
  });
  tf.dispose(Object.values(l));
  return out;
}

export async function hfParity(): Promise<CheckResult[]> {
  return on(TARGET, async () => {
    const results: CheckResult[] = [];
    for (const tf32 of [false, true]) {
      setTf32(tf32);
      const e = await errors();
      const limit = (key: string) => (tf32 ? TOL.on : key.startsWith('losses') ? TOL.lossOff : TOL.off);
      const failed = Object.entries(e).filter(([key, v]) => !(v <= limit(key)));
      const [worstKey, worst] = Object.entries(e).sort((a, b) => b[1] / limit(b[0]) - a[1] / limit(a[0]))[0] as [string, number];
      results.push({
        check: `HF parity fixtures, TF32 ${tf32 ? 'on' : 'off'}`,
        status: failed.length ? 'fail' : 'pass',
        numbers: `${Object.keys(e).length - failed.length}/${Object.keys(e).length} outputs; closest to its limit: ${worstKey} ${fmt(worst)} ≤ ${fmt(limit(worstKey))}` +
          failed.slice(0, 3).map(([k, v]) => `; FAILED ${k} ${fmt(v)}`).join(''),
        details: e,
      });
    }
    setTf32(true);
    return results;
  });
}
