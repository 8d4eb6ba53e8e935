// Parameter counts and training memory from config fields alone, so a benchmark can refuse a size that cannot fit
// a backend up front, with the numbers, instead of failing midway.

export interface VitShape {
  image_size: number;
  patch_size: number;
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
}

export interface LmShape {
  vocab_size: number;
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  num_key_value_heads: number;
  tie_word_embeddings: boolean;
}

/**
 * A vision tower without pooling head. CLIP: bias-free patch embedding, a class token, norms before and after the
 * blocks. SigLIP: patch embedding with bias, no class token, one final norm.
 */
export function vitParameters(c: VitShape, family: 'clip' | 'siglip'): number {
  const h = c.hidden_size;
  const patches = (c.image_size / c.patch_size) ** 2;
  const block = 4 * (h * h + h) + 2 * h * c.intermediate_size + c.intermediate_size + h + 4 * h;
  const embeddings = family === 'clip' ? 3 * c.patch_size ** 2 * h + h + (patches + 1) * h : 3 * c.patch_size ** 2 * h + h + patches * h;
  const norms = family === 'clip' ? 4 * h : 2 * h;
  return embeddings + c.num_hidden_layers * block + norms;
}

/** A Qwen2 LM: embeddings, blocks (GQA attention with q/k/v biases, SwiGLU MLP, 2 RMSNorms), final norm, head. */
export function qwen2Parameters(c: LmShape): number {
  const h = c.hidden_size;
  const kv = (h / c.num_attention_heads) * c.num_key_value_heads;
  const attention = h * h + h + 2 * (h * kv + kv) + h * h;
  const block = attention + 3 * h * c.intermediate_size + 2 * h;
  const head = c.tie_word_embeddings ? 0 : c.vocab_size * h;
  return c.vocab_size * h + c.num_hidden_layers * block + h + head;
}

/** Weights, gradients and AdamW's two moments in float32: 16 bytes per trainable parameter, before activations. */
export function trainingBytes(parameters: number): number {
  return parameters * 16;
}

/**
 * The `base` benchmark size: a ViT-B/16 tower at 224 px + a Qwen2.5-0.5B-shaped LM, with a 2-layer projector. The
 * tower is SigLIP-style, as the engine's `base` preset builds it (MLLM_PRESETS.base).
 */
export const BASE_SHAPE = {
  encoder: { image_size: 224, patch_size: 16, hidden_size: 768, intermediate_size: 3072, num_hidden_layers: 12 },
  lm: {
    vocab_size: 151936, hidden_size: 896, intermediate_size: 4864, num_hidden_layers: 24, num_attention_heads: 14,
    num_key_value_heads: 2, tie_word_embeddings: true,
  },
} as const satisfies { encoder: VitShape; lm: LmShape };

export function baseParameters(): number {
  const projector = 768 * 896 + 896 + 896 * 896 + 896;
  return vitParameters(BASE_SHAPE.encoder, 'siglip') + projector + qwen2Parameters(BASE_SHAPE.lm);
}
