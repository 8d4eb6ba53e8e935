// SigLIP's MAP head (SiglipMultiheadAttentionPoolingHead): a learned probe token attends over the
// patch tokens through torch.nn.MultiheadAttention, then a residual LayerNorm + MLP.
import * as tf from '../../backend/tf';
import type { Activation } from '../../nn/activations';
import { mergeHeads, scaledDotProductAttention, splitHeads } from '../../nn/attention';
import { layerNorm } from '../../nn/layer-norm';
import { linear } from '../../nn/linear';
import { layerNormSpecs, linearSpecs, type ParamSpec, type ParameterSet } from '../../nn/parameters';
import { mlpSpecs, mlp } from '../clip/encoder';

/** Specs of `head.*`; `in_proj_weight` [3C, C] stacks the q, k and v projections, as PyTorch does. */
export function attentionPoolingSpecs(hidden: number, intermediate: number): ParamSpec[] {
  return [
    { name: 'head.probe', shape: [1, 1, hidden], layout: 'as-is', init: 'normal' },
    { name: 'head.attention.in_proj_weight', shape: [3 * hidden, hidden], layout: 'kernel', init: 'normal' },
    { name: 'head.attention.in_proj_bias', shape: [3 * hidden], layout: 'as-is', init: 'zeros' },
    ...linearSpecs('head.attention.out_proj', hidden, hidden),
    ...layerNormSpecs('head.layernorm', hidden),
    ...mlpSpecs('head.mlp', hidden, intermediate),
  ];
}

/**
 * @param hidden [B, T, C] — SigLIP's last_hidden_state (after post_layernorm)
 * @returns [B, C], HF's pooler_output
 */
export function attentionPooling(
  hidden: tf.Tensor3D,
  params: ParameterSet,
  numHeads: number,
  eps: number,
  act: Activation,
): tf.Tensor2D {
  return tf.tidy(() => {
    const [batch, , width] = hidden.shape;
    const [qKernel, kKernel, vKernel] = tf.split(params.get('head.attention.in_proj_weight'), 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor];
    const [qBias, kBias, vBias] = tf.split(params.get('head.attention.in_proj_bias'), 3) as [tf.Tensor, tf.Tensor, tf.Tensor];
    // The probe is the same for every image: project it once, then broadcast over the batch.
    const query = linear(tf.reshape(params.get('head.probe'), [1, width]), qKernel, qBias);
    const q = splitHeads(tf.broadcastTo(tf.reshape(query, [1, 1, width]), [batch, 1, width]), numHeads);
    const k = splitHeads(linear(hidden, kKernel, kBias), numHeads);
    const v = splitHeads(linear(hidden, vKernel, vBias), numHeads);
    const attended = linear(
      mergeHeads(scaledDotProductAttention(q, k, v)),
      params.get('head.attention.out_proj.weight'),
      params.get('head.attention.out_proj.bias'),
    );
    const normed = layerNorm(attended, params.get('head.layernorm.weight'), params.get('head.layernorm.bias'), eps);
    const pooled = tf.add(attended, mlp(normed, params, 'head.mlp', act));
    return tf.reshape(pooled, [batch, width]) as tf.Tensor2D;
  });
}
