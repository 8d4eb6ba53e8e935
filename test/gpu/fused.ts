// The fused kernels ('Pivot…') the target registers, found at run time (they are being added one by one): each one
// this file has cases for runs against the composed ops on cpu, forward and gradients; the others are listed, and
// the tiny SFT/DPO steps (mllm-step.ts) cover them end to end wherever the models use them.
import * as tf from '../../src-main/engine/backend/tf';
import { scaledDotProductAttention } from '../../src-main/engine/nn/attention';
import { fmt, messageOf, on, relativeError, seeded, TARGET, type CheckResult } from './compare';
import { setTf32 } from './device';

/** A hand-written kernel against the composed ops: float32 sums in another order, nothing more. */
const TOLERANCE = 1e-5;

interface AttentionCase {
  batch: number;
  heads: number;
  kvHeads: number;
  tq: number;
  tk: number;
  dim: number;
  causal: boolean;
  /** [batch][tk] of 1 (keep) / 0 (padding). */
  mask?: number[][];
}

const ATTENTION_CASES: AttentionCase[] = [
  { batch: 2, heads: 4, kvHeads: 2, tq: 13, tk: 13, dim: 7, causal: true },
  { batch: 1, heads: 3, kvHeads: 1, tq: 6, tk: 9, dim: 5, causal: false },
  { batch: 3, heads: 4, kvHeads: 2, tq: 7, tk: 7, dim: 6, causal: true, mask: [[1, 1, 1, 1, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0], [0, 0, 1, 1, 1, 1, 1]] },
  { batch: 2, heads: 4, kvHeads: 2, tq: 4, tk: 11, dim: 8, causal: true, mask: [[1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0], [0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]] },
  // The shapes of the models: the tiny LM (64-wide heads, 2 KV heads) and the base ViT (197 tokens, 64-wide heads).
  { batch: 4, heads: 4, kvHeads: 2, tq: 90, tk: 90, dim: 64, causal: true },
  { batch: 2, heads: 12, kvHeads: 12, tq: 197, tk: 197, dim: 64, causal: false },
  { batch: 1, heads: 2, kvHeads: 2, tq: 3, tk: 5, dim: 256, causal: true },
];

type Attend = (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, mask?: tf.Tensor) => tf.Tensor;

/** PivotAttention called as the models call it: inputs [q, k, v, mask?], attributes causal and scale. */
const fused = (c: AttentionCase): Attend => (q, k, v, mask) => {
  const inputs = (mask ? [q, k, v, tf.cast(mask, 'float32')] : [q, k, v]) as unknown as tf.NamedTensorMap;
  const attrs = { causal: c.causal, scale: 1 / Math.sqrt(c.dim) } as unknown as tf.NamedAttrMap;
  return (tf.engine().runKernel('PivotAttention', inputs, attrs) as tf.Tensor[])[0] as tf.Tensor;
};

const composed = (c: AttentionCase): Attend => (q, k, v, mask) =>
  scaledDotProductAttention(q, k, v, { causal: c.causal, scale: 1 / Math.sqrt(c.dim), ...(mask ? { keyPaddingMask: mask } : {}) });

/** Output and the gradients of q, k, v for a seeded output gradient (handed out past tidy, which walks its result). */
function attention(c: AttentionCase, attend: Attend): Float32Array[] {
  const values: Float32Array[] = [];
  tf.tidy(() => {
    const qShape = [c.batch, c.heads, c.tq, c.dim];
    const kvShape = [c.batch, c.kvHeads, c.tk, c.dim];
    const tensor = (shape: number[], seed: number, scale: number) => tf.tensor(seeded(tf.util.sizeFromShape(shape), seed, -scale, scale), shape);
    const [q, k, v, dy] = [tensor(qShape, 1, 2), tensor(kvShape, 2, 2), tensor(kvShape, 3, 1), tensor(qShape, 4, 1)] as tf.Tensor[];
    const mask = c.mask ? tf.tensor2d(c.mask, [c.batch, c.tk], 'int32') : undefined;
    const f = (qi: tf.Tensor, ki: tf.Tensor, vi: tf.Tensor) => attend(qi, ki, vi, mask);
    const out = f(q as tf.Tensor, k as tf.Tensor, v as tf.Tensor);
    const grads = tf.grads(f)([q, k, v] as tf.Tensor[], dy);
    values.push(...[out, ...grads].map((t) => t.dataSync() as Float32Array));
  });
  return values;
}

/** Cases per fused kernel this file knows; the gradient kernel is checked through the forward one's gradients. */
const KNOWN: Record<string, () => Promise<{ what: string; error: number; note?: string }[]>> = {
  PivotAttention: async () => {
    const results = [];
    for (const c of ATTENTION_CASES) {
      const what = `[${c.batch},${c.heads}/${c.kvHeads},${c.tq}×${c.tk},${c.dim}]${c.causal ? ' causal' : ''}${c.mask ? ' mask' : ''}`;
      try {
        const reference = await on('cpu', () => attention(c, composed(c)));
        const actual = await on(TARGET, () => attention(c, fused(c)));
        results.push({ what, error: Math.max(...reference.map((r, i) => relativeError(actual[i] as Float32Array, r))) });
      } catch (err) {
        results.push({ what, error: Number.NaN, note: messageOf(err) });
      }
    }
    return results;
  },
};

export async function fusedKernels(): Promise<CheckResult[]> {
  setTf32(false); // (loading the addon registers the native backends' kernels)
  const registered = tf.getKernelsForBackend(TARGET).map((k) => k.kernelName).filter((n) => n.startsWith('Pivot')).sort();
  if (registered.length === 0) return [{ check: 'fused kernels vs composed cpu', status: 'skip', numbers: `none registered on ${TARGET}` }];
  const details: Record<string, unknown> = {};
  const parts: string[] = [];
  const without: string[] = [];
  let ok = true;
  for (const name of registered) {
    const run = KNOWN[name];
    if (run === undefined) {
      if (!name.endsWith('Grad') || !KNOWN[name.slice(0, -4)]) without.push(name);
      continue;
    }
    const results = await run();
    details[name] = results;
    const failed = results.filter((r) => !(r.error <= TOLERANCE));
    ok &&= failed.length === 0;
    const worst = Math.max(...results.map((r) => (Number.isNaN(r.error) ? 0 : r.error)));
    parts.push(`${name}: ${results.length - failed.length}/${results.length} cases with gradients, worst ${fmt(worst)} ≤ ${fmt(TOLERANCE)}` +
      failed.slice(0, 2).map((r) => `; FAILED ${r.what}: ${r.note ?? fmt(r.error)}`).join(''));
  }
  setTf32(true);
  if (without.length) parts.push(`no case here for ${without.join(', ')} (the tiny steps cover those the models use)`);
  return [{ check: 'fused kernels vs composed cpu', status: ok ? 'pass' : 'fail', numbers: parts.join('; '), details: { registered, cases: details } }];
}
