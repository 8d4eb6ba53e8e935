// Qwen2ForCausalLM as transformers computes it: token embeddings → decoder layers (RMSNorm, RoPE
// grouped-query attention with q/k/v biases, SwiGLU MLP) → final RMSNorm → lm_head (tied or not).
import { PivotError } from '../../../../src-shared/errors';
import * as tf from '../../backend/tf';
import { linear } from '../../nn/linear';
import { mergeHeads, scaledDotProductAttention, splitHeads } from '../../nn/attention';
import { activationFor, type Activation } from '../../nn/activations';
import { transformerBlock } from '../../nn/checkpoint';
import { rmsNorm } from '../../nn/layer-norm';
import { ParameterSet } from '../../nn/parameters';
import type { Qwen2Config } from './config';
import { qwen2ParamSpecs } from './parameters';
import { applyRotary, rotaryTables, type RotaryTables } from './rotaryEmbedding';

/** Inputs of `forward`: exactly one of inputIds and inputsEmbeds. */
export interface Qwen2Inputs {
  /** int32 [B, T] token ids. */
  inputIds?: tf.Tensor2D;
  /** float32 [B, T, hidden_size], e.g. `embed(ids)` with image features spliced in. */
  inputsEmbeds?: tf.Tensor3D;
  /** [B, T], 1 = real token, 0 = padding (keys only; as in transformers). Default: all real. */
  attentionMask?: tf.Tensor2D;
  /** int32 [B, T] RoPE positions. Default 0..T−1 for every row (transformers' default, padding or not). */
  positionIds?: tf.Tensor2D;
}

/** Options of `forward`. */
export interface Qwen2ForwardOptions {
  /** Also return the hidden states. Default false. */
  outputHiddenStates?: boolean;
}

/** Outputs of `forward`. */
export interface Qwen2Output {
  /** [B, T, vocab_size]. */
  logits: tf.Tensor3D;
  /**
   * num_hidden_layers + 1 tensors [B, T, hidden_size], as transformers returns them: the input
   * embeddings, the output of each layer but the last, then the last layer's output after the final norm.
   */
  hiddenStates?: tf.Tensor3D[];
}

/** Qwen2 causal language model whose parameters are `tf.Variable`s keyed by their transformers names. */
export class Qwen2ForCausalLM {
  private readonly act: Activation;

  /**
   * @param parameters by transformers name (`model.embed_tokens.weight`, `model.layers.0.self_attn.q_proj.weight`,
   *   …, `lm_head.weight` when untied), with linear weights held as [in, out] kernels (the transpose of
   *   the checkpoint) so every projection is a plain matMul. Build with `randomInit` or `loadQwen2`.
   */
  constructor(
    readonly config: Qwen2Config,
    readonly parameters: ParameterSet,
  ) {
    this.act = activationFor(config.hidden_act);
    const missing = qwen2ParamSpecs(config).filter((spec) => !parameters.has(spec.name));
    if (missing.length > 0) throw new PivotError('CHECKPOINT_INCOMPATIBLE', `Qwen2ForCausalLM: parameters lack ${missing.map((s) => s.name).join(', ')}`);
  }

  /** Token embeddings [B, T, hidden_size] of int32 ids [B, T], for splicing image features in. */
  embed(inputIds: tf.Tensor2D): tf.Tensor3D {
    return tf.tidy(() => {
      const [batch, time] = inputIds.shape;
      const rows = tf.gather(this.param('model.embed_tokens.weight'), tf.reshape(tf.cast(inputIds, 'int32'), [batch * time]));
      return tf.reshape(rows, [batch, time, this.config.hidden_size]);
    });
  }

  /** Logits (and optionally hidden states) of a batch; causal attention, padding keys masked. */
  forward(inputs: Qwen2Inputs, options: Qwen2ForwardOptions = {}): Qwen2Output {
    if ((inputs.inputIds === undefined) === (inputs.inputsEmbeds === undefined)) {
      throw new Error('Qwen2ForCausalLM.forward: pass exactly one of inputIds and inputsEmbeds');
    }
    return tf.tidy(() => {
      const embeds = inputs.inputsEmbeds ?? this.embed(inputs.inputIds as tf.Tensor2D);
      const [batch, time, width] = embeds.shape;
      if (width !== this.config.hidden_size) {
        throw new PivotError('INVALID_DATA', `Qwen2ForCausalLM.forward: inputsEmbeds width ${width} is not hidden_size ${this.config.hidden_size}`);
      }
      checkShape('attentionMask', inputs.attentionMask, [batch, time]);
      checkShape('positionIds', inputs.positionIds, [batch, time]);
      const rope = rotaryTables(positionRows(inputs.positionIds, time), this.config.head_dim, this.config.rope_theta);

      const hiddenStates: tf.Tensor3D[] = [embeds];
      let hidden: tf.Tensor = embeds;
      for (let i = 0; i < this.config.num_hidden_layers; i++) {
        const prefix = `model.layers.${i}`;
        const block = (x: tf.Tensor, [cos, sin, mask]: readonly tf.Tensor[]): tf.Tensor =>
          this.decoderLayer(prefix, x, { cos, sin } as RotaryTables, mask as tf.Tensor2D | undefined);
        const context = inputs.attentionMask ? [rope.cos, rope.sin, inputs.attentionMask] : [rope.cos, rope.sin];
        hidden = transformerBlock(block, hidden, this.parameters.variablesUnder(`${prefix}.`), context);
        hiddenStates.push(hidden as tf.Tensor3D);
      }
      hidden = rmsNorm(hidden, this.param('model.norm.weight'), this.config.rms_norm_eps);
      hiddenStates[hiddenStates.length - 1] = hidden as tf.Tensor3D;
      const logits = this.lmHead(hidden) as tf.Tensor3D;
      return options.outputHiddenStates ? { logits, hiddenStates } : { logits };
    });
  }

  /** Frees the variables; the model is unusable afterwards. */
  dispose(): void {
    this.parameters.dispose();
  }

  private decoderLayer(prefix: string, x: tf.Tensor, rope: RotaryTables, attentionMask?: tf.Tensor2D): tf.Tensor {
    const eps = this.config.rms_norm_eps;
    const attended = this.selfAttention(`${prefix}.self_attn`, rmsNorm(x, this.param(`${prefix}.input_layernorm.weight`), eps), rope, attentionMask);
    const afterAttention = tf.add(x, attended);
    const normed = rmsNorm(afterAttention, this.param(`${prefix}.post_attention_layernorm.weight`), eps);
    return tf.add(afterAttention, this.mlp(`${prefix}.mlp`, normed));
  }

  private selfAttention(prefix: string, x: tf.Tensor, rope: RotaryTables, attentionMask?: tf.Tensor2D): tf.Tensor {
    const project = (name: string, heads: number): tf.Tensor =>
      splitHeads(linear(x, this.param(`${prefix}.${name}.weight`), this.param(`${prefix}.${name}.bias`)), heads);
    const { num_attention_heads: heads, num_key_value_heads: kvHeads } = this.config;
    const q = applyRotary(project('q_proj', heads), rope);
    // Grouped-query heads go to the attention as they are: the fused kernel reads each kv head for its query heads.
    const k = applyRotary(project('k_proj', kvHeads), rope);
    const v = project('v_proj', kvHeads);
    const attended = scaledDotProductAttention(q, k, v, {
      causal: true,
      scale: 1 / Math.sqrt(this.config.head_dim),
      ...(attentionMask ? { keyPaddingMask: attentionMask } : {}),
    });
    return linear(mergeHeads(attended), this.param(`${prefix}.o_proj.weight`));
  }

  /** SwiGLU: down_proj(act(gate_proj(x)) · up_proj(x)). */
  private mlp(prefix: string, x: tf.Tensor): tf.Tensor {
    const gate = this.act(linear(x, this.param(`${prefix}.gate_proj.weight`)));
    return linear(tf.mul(gate, linear(x, this.param(`${prefix}.up_proj.weight`))), this.param(`${prefix}.down_proj.weight`));
  }

  private lmHead(hidden: tf.Tensor): tf.Tensor {
    if (!this.config.tie_word_embeddings) return linear(hidden, this.param('lm_head.weight'));
    // Tied: logits = h·Eᵀ. An explicit transpose then a plain matMul, because transposed matmuls
    // are slow on wasm (ENVIRONMENT.md); the transpose costs V·C, the product B·T·V·C.
    const [batch, time, width] = hidden.shape as [number, number, number];
    const flat = tf.reshape(hidden, [batch * time, width]);
    const logits = tf.matMul(flat, tf.transpose(this.param('model.embed_tokens.weight')));
    return tf.reshape(logits, [batch, time, this.config.vocab_size]);
  }

  private param(name: string): tf.Variable {
    return this.parameters.get(name);
  }
}

/** A model with transformers-style random weights (normal(0, initializer_range), norms 1, biases 0), deterministic per seed. */
export function randomInit(config: Qwen2Config, seed: number): Qwen2ForCausalLM {
  return new Qwen2ForCausalLM(config, ParameterSet.randomInit(qwen2ParamSpecs(config), 'qwen2', seed, config.initializer_range));
}

/** Positions per batch row; one shared row 0..T−1 when none are given. */
function positionRows(positionIds: tf.Tensor2D | undefined, time: number): ArrayLike<number>[] {
  if (!positionIds) return [Float64Array.from({ length: time }, (_, t) => t)];
  const [batch] = positionIds.shape;
  const flat = positionIds.dataSync();
  return Array.from({ length: batch }, (_, b) => flat.subarray(b * time, (b + 1) * time));
}

function checkShape(name: string, tensor: tf.Tensor | undefined, expected: number[]): void {
  if (tensor && !tf.util.arraysEqual(tensor.shape, expected)) {
    throw new PivotError('INVALID_DATA', `Qwen2ForCausalLM.forward: ${name} must be [${expected}] like the inputs, got [${tensor.shape}]`);
  }
}
