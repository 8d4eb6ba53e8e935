// The pre-norm transformer encoder of CLIP's vision tower (`encoder.layers.N.*`), which SigLIP
// shares weight for weight, as transformers' SiglipEncoder is "copied from" CLIPEncoder.
import { PivotError } from '../../../../src-shared/errors';
import * as tf from '../../backend/tf';
import { activationFor, type Activation } from '../../nn/activations';
import { multiHeadSelfAttention } from '../../nn/attention';
import { transformerBlock } from '../../nn/checkpoint';
import { layerNorm } from '../../nn/layer-norm';
import { linear } from '../../nn/linear';
import { layerNormSpecs, linearSpecs, type ParamSpec, type ParameterSet } from '../../nn/parameters';
import type { VisionTransformerConfig } from './vision-config';

/** Specs of an HF `CLIPMLP` / `SiglipMLP` at `prefix` (fc1: hidden → intermediate, fc2: back). */
export function mlpSpecs(prefix: string, hidden: number, intermediate: number): ParamSpec[] {
  return [...linearSpecs(`${prefix}.fc1`, hidden, intermediate), ...linearSpecs(`${prefix}.fc2`, intermediate, hidden)];
}

/** Specs of every `encoder.layers.N.*` tensor, in checkpoint order. */
export function encoderSpecs(config: VisionTransformerConfig): ParamSpec[] {
  const { hidden_size: hidden, intermediate_size: intermediate } = config;
  const specs: ParamSpec[] = [];
  for (let i = 0; i < config.num_hidden_layers; i++) {
    const layer = `encoder.layers.${i}`;
    specs.push(
      ...layerNormSpecs(`${layer}.layer_norm1`, hidden),
      ...['q_proj', 'k_proj', 'v_proj', 'out_proj'].flatMap((p) => linearSpecs(`${layer}.self_attn.${p}`, hidden, hidden)),
      ...layerNormSpecs(`${layer}.layer_norm2`, hidden),
      ...mlpSpecs(`${layer}.mlp`, hidden, intermediate),
    );
  }
  return specs;
}

/** fc2(act(fc1(x))). */
export function mlp(x: tf.Tensor, params: ParameterSet, prefix: string, act: Activation): tf.Tensor {
  return tf.tidy(() => {
    const inner = act(linear(x, params.get(`${prefix}.fc1.weight`), params.get(`${prefix}.fc1.bias`)));
    return linear(inner, params.get(`${prefix}.fc2.weight`), params.get(`${prefix}.fc2.bias`));
  });
}

/** One block: h + attn(ln1(h)), then + mlp(ln2(·)). */
function encoderLayer(
  hidden: tf.Tensor,
  params: ParameterSet,
  index: number,
  config: VisionTransformerConfig,
  act: Activation,
): tf.Tensor {
  return tf.tidy(() => {
    const layer = `encoder.layers.${index}`;
    const p = (name: string) => params.get(`${layer}.${name}`);
    const eps = config.layer_norm_eps;
    const normed1 = layerNorm(hidden, p('layer_norm1.weight'), p('layer_norm1.bias'), eps);
    const attended = multiHeadSelfAttention(
      normed1,
      {
        qKernel: p('self_attn.q_proj.weight'),
        qBias: p('self_attn.q_proj.bias'),
        kKernel: p('self_attn.k_proj.weight'),
        kBias: p('self_attn.k_proj.bias'),
        vKernel: p('self_attn.v_proj.weight'),
        vBias: p('self_attn.v_proj.bias'),
        oKernel: p('self_attn.out_proj.weight'),
        oBias: p('self_attn.out_proj.bias'),
      },
      { numHeads: config.num_attention_heads },
    );
    const residual = tf.add(hidden, attended);
    const normed2 = layerNorm(residual, p('layer_norm2.weight'), p('layer_norm2.bias'), eps);
    return tf.add(residual, mlp(normed2, params, `${layer}.mlp`, act));
  });
}

/**
 * Runs blocks 0 … lastBlock−1 on the encoder input and returns HF's `hidden_states` up to there:
 * [input, output of block 0, …]; entry i is the input of block i. Stopping early is exact, and
 * spares the blocks a feature layer does not use.
 */
export function runEncoder(
  input: tf.Tensor,
  params: ParameterSet,
  config: VisionTransformerConfig,
  lastBlock = config.num_hidden_layers,
): tf.Tensor3D[] {
  const act = activationFor(config.hidden_act);
  const states: tf.Tensor[] = [input];
  for (let i = 0; i < lastBlock; i++) {
    const block = (x: tf.Tensor): tf.Tensor => encoderLayer(x, params, i, config, act);
    states.push(transformerBlock(block, states[i] as tf.Tensor, params.variablesUnder(`encoder.layers.${i}.`)));
  }
  return states as tf.Tensor3D[];
}

/**
 * Converts LLaVA's `vision_feature_layer` (an index into hidden_states, negative from the end) to
 * a non-negative index, or throws naming the valid range.
 */
export function hiddenStateIndex(layer: number, numLayers: number): number {
  const count = numLayers + 1;
  if (!Number.isInteger(layer) || layer < -count || layer >= count) {
    throw new PivotError('INVALID_CONFIG',
      `feature layer ${layer} is out of range: this encoder has ${count} hidden states (0 = embeddings … ${numLayers}), ` +
        `so use an integer from ${-count} to ${numLayers} (LLaVA uses -2, the penultimate block)`,
    );
  }
  return layer < 0 ? count + layer : layer;
}
