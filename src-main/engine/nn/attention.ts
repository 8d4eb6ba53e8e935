// Scaled dot-product attention on [batch, heads, time, headDim] tensors, and the multi-head
// self-attention block built on it (projections → heads → attention → merge → output projection).
import { PivotError } from '../../../src-shared/errors';
import { fusedAttention, fusedAttentionPreferred } from '../backend/native/fused/attention';
import * as tf from '../backend/tf';
import { linear } from './linear';

/**
 * Added to the scores of masked positions before softmax. Finite on purpose: a row whose keys are
 * all masked (a padding query) then gets uniform weights instead of NaN, and it is far enough below
 * any real score that exp() of it is exactly 0 in float32.
 */
export const MASK_BIAS = -1e9;

/** Options of `scaledDotProductAttention`. */
export interface AttentionOptions {
  /** Query i attends to keys j ≤ i + (Tk − Tq) (aligned to the end, as with a KV cache). Default false. */
  causal?: boolean;
  /** [B, Tk], 1 = a real token to attend to, 0 = padding to ignore; any numeric dtype. Default: none. */
  keyPaddingMask?: tf.Tensor;
  /** Multiplies q·kᵀ. Default 1/√headDim. */
  scale?: number;
}

/**
 * softmax(q·kᵀ·scale + mask)·v: one fused kernel where the backend has it (`fusedAttentionPreferred`),
 * else composed from matmul, softmax and matmul.
 * @param q [B, H, Tq, D]
 * @param k [B, Hkv, Tk, D] — Hkv may divide H (grouped-query attention, e.g. Qwen2): each key/value
 *          head then serves H/Hkv consecutive query heads, as transformers' `repeat_kv` does.
 * @param v [B, Hkv, Tk, D]
 * @returns [B, H, Tq, D]
 */
export function scaledDotProductAttention(
  q: tf.Tensor,
  k: tf.Tensor,
  v: tf.Tensor,
  options: AttentionOptions = {},
): tf.Tensor {
  const headDim = q.shape[3] as number;
  const scale = options.scale ?? 1 / Math.sqrt(headDim);
  if (fusedAttentionPreferred(headDim)) {
    const causal = options.causal ?? false;
    return fusedAttention(q, k, v, { causal, scale, ...(options.keyPaddingMask ? { keyPaddingMask: options.keyPaddingMask } : {}) });
  }
  return composedAttention(q, k, v, { ...options, scale });
}

/** scaledDotProductAttention from matmul, softmax and matmul, materialising the [B, H, Tq, Tk] weights. */
export function composedAttention(
  q: tf.Tensor,
  k: tf.Tensor,
  v: tf.Tensor,
  options: AttentionOptions = {},
): tf.Tensor {
  return tf.tidy(() => {
    const [batch, heads, tq, headDim] = q.shape as [number, number, number, number];
    const tk = k.shape[2] as number;
    const keys = repeatKeyValueHeads(k, heads);
    const values = repeatKeyValueHeads(v, heads);
    const scale = options.scale ?? 1 / Math.sqrt(headDim);
    let scores = tf.mul(tf.matMul(q, keys, false, true), scale);
    if (options.causal) scores = tf.add(scores, causalBias(tq, tk));
    if (options.keyPaddingMask) {
      const keep = tf.reshape(tf.cast(options.keyPaddingMask, 'float32'), [batch, 1, 1, tk]);
      scores = tf.add(scores, tf.mul(tf.sub(1, keep), MASK_BIAS));
    }
    return tf.matMul(tf.softmax(scores), values);
  });
}

/**
 * transformers' `repeat_kv`: [B, Hkv, T, D] → [B, heads, T, D], each key/value head serving heads/Hkv consecutive
 * query heads.
 */
export function repeatKeyValueHeads(x: tf.Tensor, heads: number): tf.Tensor {
  const [batch, kvHeads, time, headDim] = x.shape as [number, number, number, number];
  if (kvHeads === heads) return x;
  if (heads % kvHeads !== 0) {
    throw new PivotError('INVALID_CONFIG', `attention: ${heads} query heads cannot share ${kvHeads} key/value heads (must divide evenly)`);
  }
  // Copies side by side on a new axis: a concat, whose wasm kernel (and split gradient) is several times faster than tile's.
  const flat = tf.reshape(x, [batch, kvHeads, 1, time * headDim]);
  const repeated = tf.concat(Array.from({ length: heads / kvHeads }, () => flat), 2);
  return tf.reshape(repeated, [batch, heads, time, headDim]);
}

/** [Tq, Tk] additive bias: 0 where query i may see key j, MASK_BIAS above the (end-aligned) diagonal. */
function causalBias(tq: number, tk: number): tf.Tensor2D {
  const offset = tk - tq;
  const bias = new Float32Array(tq * tk);
  for (let i = 0; i < tq; i++) {
    for (let j = i + offset + 1; j < tk; j++) bias[i * tk + j] = MASK_BIAS;
  }
  return tf.tensor2d(bias, [tq, tk]);
}

/** [B, T, H·D] → [B, H, T, D]. */
export function splitHeads(x: tf.Tensor, numHeads: number): tf.Tensor {
  const [batch, time, width] = x.shape as [number, number, number];
  if (width % numHeads !== 0) throw new PivotError('INVALID_CONFIG', `attention: width ${width} is not divisible by ${numHeads} heads`);
  return tf.transpose(tf.reshape(x, [batch, time, numHeads, width / numHeads]), [0, 2, 1, 3]);
}

/** [B, H, T, D] → [B, T, H·D]. */
export function mergeHeads(x: tf.Tensor): tf.Tensor {
  const [batch, heads, time, headDim] = x.shape as [number, number, number, number];
  return tf.reshape(tf.transpose(x, [0, 2, 1, 3]), [batch, time, heads * headDim]);
}

/** Projection weights of one attention block, kernels in `linear`'s [in, out] layout. */
export interface SelfAttentionWeights {
  qKernel: tf.Tensor;
  kKernel: tf.Tensor;
  vKernel: tf.Tensor;
  oKernel: tf.Tensor;
  qBias?: tf.Tensor;
  kBias?: tf.Tensor;
  vBias?: tf.Tensor;
  oBias?: tf.Tensor;
}

/** Options of `multiHeadSelfAttention`; the attention options apply to the inner attention. */
export interface SelfAttentionOptions extends AttentionOptions {
  /** Number of query heads; headDim = qKernel's out width / numHeads. */
  numHeads: number;
  /** Number of key/value heads (grouped-query attention). Default numHeads. */
  numKeyValueHeads?: number;
}

/**
 * The standard multi-head self-attention block (CLIP / SigLIP / BERT style, no rotary embedding):
 * out = o_proj(attention(q_proj(x), k_proj(x), v_proj(x))).
 * @param x [B, T, C] → returns [B, T, C_out]
 */
export function multiHeadSelfAttention(
  x: tf.Tensor,
  weights: SelfAttentionWeights,
  options: SelfAttentionOptions,
): tf.Tensor {
  return tf.tidy(() => {
    const kvHeads = options.numKeyValueHeads ?? options.numHeads;
    const q = splitHeads(linear(x, weights.qKernel, weights.qBias), options.numHeads);
    const k = splitHeads(linear(x, weights.kKernel, weights.kBias), kvHeads);
    const v = splitHeads(linear(x, weights.vKernel, weights.vBias), kvHeads);
    const attended = scaledDotProductAttention(q, k, v, options);
    return linear(mergeHeads(attended), weights.oKernel, weights.oBias);
  });
}
