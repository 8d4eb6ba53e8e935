// Fused scaled-dot-product attention on the native backends: the kernels 'PivotAttention' (forward, which also
// returns each query row's logsumexp) and 'PivotAttentionGrad', the gradient joining them, and the op itself.
import * as tf from '../../tf';
import type { KernelArgs } from '../../register-kernels';
import { backendOf, type NativeKernel } from '../kernels/util';

export const PIVOT_ATTENTION = 'PivotAttention';
export const PIVOT_ATTENTION_GRAD = 'PivotAttentionGrad';
/** The largest head dimension the kernels take (kAttentionMaxDim in kernels/attention.h). */
export const FUSED_ATTENTION_MAX_DIM = 256;

interface AttentionAttrs {
  causal: boolean;
  scale: number;
}

type Sizes = [batch: number, heads: number, kvHeads: number, tq: number, tk: number, dim: number];

/** The sizes of q [B,H,Tq,D], k and v [B,Hkv,Tk,D], after checking they fit together. */
function attentionSizes(q: tf.TensorInfo, k: tf.TensorInfo, v: tf.TensorInfo, mask?: tf.TensorInfo): Sizes {
  const [batch, heads, tq, dim] = q.shape;
  const [kBatch, kvHeads, tk, kDim] = k.shape;
  const fits =
    q.shape.length === 4 && k.shape.length === 4 && tf.util.arraysEqual(k.shape, v.shape) && kBatch === batch &&
    kDim === dim && heads % kvHeads === 0 && (mask === undefined || tf.util.arraysEqual(mask.shape, [batch, tk]));
  if (!fits) {
    throw new Error(`${PIVOT_ATTENTION}: q [${q.shape}], k [${k.shape}], v [${v.shape}]${mask ? `, mask [${mask.shape}]` : ''} do not fit together`);
  }
  for (const x of [q, k, v, mask]) {
    if (x !== undefined && x.dtype !== 'float32') throw new Error(`${PIVOT_ATTENTION}: float32 only, got ${x.dtype}`);
  }
  return [batch, heads, kvHeads, tq, tk, dim] as Sizes;
}

const attentionKernel: NativeKernel = {
  kernelName: PIVOT_ATTENTION,
  kernelFunc: (args: KernelArgs) => {
    const backend = backendOf(args);
    const [q, k, v, mask] = args.inputs as unknown as [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo, tf.TensorInfo?];
    const { causal, scale } = args.attrs as unknown as AttentionAttrs;
    const sizes = attentionSizes(q, k, v, mask);
    const out = backend.makeOutput(q.shape, 'float32');
    const lse = backend.makeOutput(q.shape.slice(0, 3), 'float32');
    const h = (x: tf.TensorInfo) => backend.handle(x);
    backend.addon.attentionForward(h(q), h(k), h(v), mask ? h(mask) : null, h(out), h(lse), ...sizes, causal, scale);
    return [out, lse];
  },
};

const attentionGradKernel: NativeKernel = {
  kernelName: PIVOT_ATTENTION_GRAD,
  kernelFunc: (args: KernelArgs) => {
    const backend = backendOf(args);
    const { q, k, v, mask, out, lse, dy } = args.inputs as Record<string, tf.TensorInfo | undefined> as {
      q: tf.TensorInfo; k: tf.TensorInfo; v: tf.TensorInfo; mask?: tf.TensorInfo; out: tf.TensorInfo; lse: tf.TensorInfo; dy: tf.TensorInfo;
    };
    const { causal, scale } = args.attrs as unknown as AttentionAttrs;
    const sizes = attentionSizes(q, k, v, mask);
    const [dq, dk, dv] = [q, k, v].map((x) => backend.makeOutput(x.shape, 'float32'));
    const h = (x: tf.TensorInfo) => backend.handle(x);
    backend.addon.attentionBackward(h(q), h(k), h(v), mask ? h(mask) : null, h(out), h(lse), h(dy), h(dq), h(dk), h(dv), ...sizes, causal, scale);
    return [dq, dk, dv];
  },
};

/** Both kernels, registered for `native` and `cuda` by register_all.ts. */
export const attentionKernels: NativeKernel[] = [attentionKernel, attentionGradKernel];

/**
 * The gradient of PivotAttention's first output (the logsumexp is kept for the gradient, not differentiated).
 * PivotAttention takes its inputs as an array [q, k, v, mask?], as Concat does, because the mask is optional:
 * tfjs saves every input of an array (inputsToSave would name a missing one), and both outputs.
 */
const attentionGradConfig: tf.GradConfig = {
  kernelName: PIVOT_ATTENTION,
  saveAllInputs: true,
  outputsToSave: [true, true],
  gradFunc: (dys: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
    const [q, k, v] = saved;
    const mask = saved.length === 6 ? saved[3] : undefined;
    const [out, lse] = saved.slice(-2);
    const dy = Array.isArray(dys) ? dys[0] : dys;
    const inputs = { q, k, v, ...(mask ? { mask } : {}), out, lse, dy } as unknown as tf.NamedTensorMap;
    const [dq, dk, dv] = tf.engine().runKernel(PIVOT_ATTENTION_GRAD, inputs, attrs) as tf.Tensor[];
    const grads = [() => dq, () => dk, () => dv];
    if (mask) grads.push(() => tf.zerosLike(mask));
    return grads as unknown as Record<string, () => tf.Tensor>;
  },
};
if (tf.getGradient(PIVOT_ATTENTION) === undefined) tf.registerGradient(attentionGradConfig);

/**
 * Whether attention of head dimension `headDim` should run fused: wherever the active backend has the kernel. On
 * the CPU it was measured against the composed ops at every preset's shape, toy to base, ViT and LM
 * (bench/fused-attention.ts, bench/RESULTS.md): through tfjs, forward and gradients, it takes 0.13–0.60 of their
 * time, so there is no size below which the composed ops win.
 */
export function fusedAttentionPreferred(headDim: number): boolean {
  return headDim <= FUSED_ATTENTION_MAX_DIM && tf.getKernel(PIVOT_ATTENTION, tf.getBackend()) !== undefined;
}

/**
 * softmax(q·kᵀ·scale + masks)·v in one kernel, as `scaledDotProductAttention` defines it (grouped-query heads,
 * end-aligned causal mask, a [B, Tk] 1/0 key padding mask, a fully masked row uniform).
 */
export function fusedAttention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, options: { causal: boolean; scale: number; keyPaddingMask?: tf.Tensor }): tf.Tensor {
  return tf.tidy(() => {
    const mask = options.keyPaddingMask ? tf.cast(options.keyPaddingMask, 'float32') : undefined;
    const inputs = (mask ? [q, k, v, mask] : [q, k, v]) as unknown as tf.NamedTensorMap;
    const attrs = { causal: options.causal, scale: options.scale } as unknown as tf.NamedAttrMap;
    const [out] = tf.engine().runKernel(PIVOT_ATTENTION, inputs, attrs) as tf.Tensor[];
    return out;
  });
}
