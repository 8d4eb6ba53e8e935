// The parameters of Qwen2ForCausalLM by their exact Hugging Face names and checkpoint shapes, as
// specs for the shared ParameterSet (which keeps linear weights as [in, out] kernels).
import { linearSpecs, type ParamSpec } from '../../nn/parameters';
import type { Qwen2Config } from './config';

/** Every parameter of a Qwen2ForCausalLM with this config, in checkpoint order (`lm_head.weight` only when untied). */
export function qwen2ParamSpecs(config: Qwen2Config): ParamSpec[] {
  const c = config.hidden_size;
  const qWidth = config.num_attention_heads * config.head_dim;
  const kvWidth = config.num_key_value_heads * config.head_dim;
  const norm = (name: string): ParamSpec => ({ name, shape: [c], layout: 'as-is', init: 'ones' });

  const specs: ParamSpec[] = [{ name: 'model.embed_tokens.weight', shape: [config.vocab_size, c], layout: 'as-is', init: 'normal' }];
  for (let i = 0; i < config.num_hidden_layers; i++) {
    const layer = `model.layers.${i}`;
    specs.push(
      norm(`${layer}.input_layernorm.weight`),
      ...linearSpecs(`${layer}.self_attn.q_proj`, c, qWidth),
      ...linearSpecs(`${layer}.self_attn.k_proj`, c, kvWidth),
      ...linearSpecs(`${layer}.self_attn.v_proj`, c, kvWidth),
      ...linearSpecs(`${layer}.self_attn.o_proj`, qWidth, c, false),
      norm(`${layer}.post_attention_layernorm.weight`),
      ...linearSpecs(`${layer}.mlp.gate_proj`, c, config.intermediate_size, false),
      ...linearSpecs(`${layer}.mlp.up_proj`, c, config.intermediate_size, false),
      ...linearSpecs(`${layer}.mlp.down_proj`, config.intermediate_size, c, false),
    );
  }
  specs.push(norm('model.norm.weight'));
  if (!config.tie_word_embeddings) specs.push(...linearSpecs('lm_head', c, config.vocab_size, false));
  return specs;
}
