// Qwen2 configuration as transformers' `Qwen2Config` names it, read from config.json in both the
// transformers 5 format (`rope_parameters.rope_theta`) and the 4.x format hub checkpoints use.
import { PivotError } from '../../../../src-shared/errors';
import { checkModelFits } from '../model-size';
import { qwen2ParamSpecs } from './parameters';

/** The fields of config.json the model uses, with transformers' names; read with `readQwen2Config`. */
export interface Qwen2Config {
  vocab_size: number;
  hidden_size: number;
  /** Width of the SwiGLU MLP. */
  intermediate_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  /** Grouped-query attention: key/value heads, dividing num_attention_heads. Default num_attention_heads. */
  num_key_value_heads: number;
  /** Default hidden_size / num_attention_heads. */
  head_dim: number;
  /** Default 1e-6. */
  rms_norm_eps: number;
  /** RoPE base. Default 10000. */
  rope_theta: number;
  /** Default `silu`. */
  hidden_act: string;
  /** lm_head shares model.embed_tokens.weight. Default false (as in transformers). */
  tie_word_embeddings: boolean;
  /** Default 32768. */
  max_position_embeddings: number;
  /** Std of the normal init of `randomInit`. Default 0.02. */
  initializer_range: number;
  /** The config.json this came from; its other fields (token ids, dtype, …) are written back on save. */
  raw?: Readonly<Record<string, unknown>>;
}

/** The fields that size the weights. */
const DIMENSIONS = ['num_hidden_layers', 'vocab_size', 'hidden_size', 'intermediate_size', 'num_attention_heads', 'num_key_value_heads', 'head_dim'] as const;

const REQUIRED = ['vocab_size', 'hidden_size', 'intermediate_size', 'num_hidden_layers', 'num_attention_heads'] as const;

/**
 * Validates a parsed config.json and fills transformers' defaults. `source` (a path) is named in
 * every error. Throws on RoPE scaling and sliding-window attention, which this model does not implement,
 * and on sizes whose weights would not fit in this machine's memory.
 */
export function readQwen2Config(json: Record<string, unknown>, source = 'config.json'): Qwen2Config {
  const fail = (what: string): never => {
    throw new PivotError('INVALID_CONFIG', `${source}: ${what}`);
  };
  const integer = (key: string, fallback?: number): number => {
    const value = json[key] ?? fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
      return fail(`"${key}" must be a positive integer, got ${JSON.stringify(value)}`);
    }
    return value;
  };
  const number = (value: unknown, key: string): number =>
    typeof value === 'number' && value > 0 ? value : fail(`"${key}" must be a positive number, got ${JSON.stringify(value)}`);

  if (json.model_type !== undefined && json.model_type !== 'qwen2') {
    fail(`model_type is "${String(json.model_type)}", expected "qwen2"`);
  }
  for (const key of REQUIRED) if (json[key] === undefined) fail(`"${key}" is missing`);
  if (json.use_sliding_window === true) fail('use_sliding_window is true; sliding-window attention is not supported');

  const numHeads = integer('num_attention_heads');
  const numKvHeads = integer('num_key_value_heads', numHeads);
  if (numHeads % numKvHeads !== 0) {
    fail(`num_attention_heads (${numHeads}) must be a multiple of num_key_value_heads (${numKvHeads})`);
  }
  const hiddenSize = integer('hidden_size');
  const headDim = integer('head_dim', hiddenSize / numHeads);
  if (headDim % 2 !== 0) fail(`head_dim ${headDim} must be even for rotary embeddings`);

  const config: Qwen2Config = {
    vocab_size: integer('vocab_size'),
    hidden_size: hiddenSize,
    intermediate_size: integer('intermediate_size'),
    num_hidden_layers: integer('num_hidden_layers'),
    num_attention_heads: numHeads,
    num_key_value_heads: numKvHeads,
    head_dim: headDim,
    rms_norm_eps: number(json.rms_norm_eps ?? 1e-6, 'rms_norm_eps'),
    rope_theta: number(ropeTheta(json, fail), 'rope_theta'),
    hidden_act: typeof json.hidden_act === 'string' ? json.hidden_act : 'silu',
    tie_word_embeddings: json.tie_word_embeddings === true,
    max_position_embeddings: integer('max_position_embeddings', 32768),
    initializer_range: number(json.initializer_range ?? 0.02, 'initializer_range'),
    raw: json,
  };
  checkModelFits(config, source, DIMENSIONS, qwen2ParamSpecs);
  return config;
}

/** transformers 5 nests RoPE settings in `rope_parameters`; 4.x has `rope_theta` and `rope_scaling` at the top. */
function ropeTheta(json: Record<string, unknown>, fail: (what: string) => never): unknown {
  const params = (json.rope_parameters ?? json.rope_scaling) as Record<string, unknown> | null | undefined;
  const ropeType = params?.rope_type ?? params?.type ?? 'default';
  if (ropeType !== 'default') fail(`rope type "${String(ropeType)}" is not supported (only "default" RoPE)`);
  return (json.rope_parameters as Record<string, unknown> | undefined)?.rope_theta ?? json.rope_theta ?? 10000;
}

/**
 * config.json contents for a saved model: the source fields, then ours. RoPE is written in both
 * formats so that transformers 4.x and 5 read the same theta; the dtype is that of the saved tensors.
 */
export function qwen2ConfigToJson(config: Qwen2Config): Record<string, unknown> {
  const { raw, ...fields } = config;
  return {
    ...raw,
    architectures: ['Qwen2ForCausalLM'],
    model_type: 'qwen2',
    ...fields,
    rope_parameters: { rope_theta: config.rope_theta, rope_type: 'default' },
    dtype: 'float32',
    torch_dtype: 'float32',
  };
}
