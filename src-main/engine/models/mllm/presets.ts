// Named toy MLLM sizes for the Shapes world: a SigLIP-style tower without its pooling head (as the paper's
// MLLMs use it) and a Qwen2-style LM with grouped-query attention, both initialised from a seed.
import { MODEL_PRESETS } from '../../../../src-shared/domain/run-settings';
import type { SiglipVisionConfigFields } from '../siglip/config';

/** The names, as the window and the CLI list them (one list, in src-shared). */
export const MLLM_PRESET_NAMES = MODEL_PRESETS;
export type MllmPresetName = (typeof MLLM_PRESET_NAMES)[number];

/** One preset: the encoder's config fields and the LM's config.json. */
export interface MllmPreset {
  encoder: SiglipVisionConfigFields;
  lm: Record<string, unknown>;
}

export const MLLM_PRESETS: Readonly<Record<MllmPresetName, MllmPreset>> = {
  // For tests and the demo: 16 image tokens, ~0.3 M parameters; a training step takes milliseconds on cpu.
  toy: {
    encoder: {
      image_size: 32, patch_size: 8, hidden_size: 64, intermediate_size: 128, num_hidden_layers: 3, num_attention_heads: 4,
      vision_use_head: false,
    },
    lm: {
      vocab_size: 128, hidden_size: 64, intermediate_size: 176, num_hidden_layers: 2, num_attention_heads: 4,
      num_key_value_heads: 2, max_position_embeddings: 128, tie_word_embeddings: true,
    },
  },
  // The study's default: the toy model with 4-px patches, so a 32-px image is an 8×8 grid of 64 image tokens (as in
  // TOY_STUDY.md's reference) — at 8-px patches the 4×4 grid is coarser than the objects, and neither probe can see them.
  small: {
    encoder: {
      image_size: 32, patch_size: 4, hidden_size: 64, intermediate_size: 128, num_hidden_layers: 3, num_attention_heads: 4,
      vision_use_head: false,
    },
    lm: {
      vocab_size: 128, hidden_size: 64, intermediate_size: 176, num_hidden_layers: 2, num_attention_heads: 4,
      num_key_value_heads: 2, max_position_embeddings: 192, tie_word_embeddings: true,
    },
  },
  // `small` at 64 px in 8-px patches: the same 8×8 grid of 64 image tokens and the same widths, with 4× the pixels in
  // each patch, so a shape's edges are drawn finely enough to tell apart (issue 15's base search, bench/base-search).
  'small-64px': {
    encoder: {
      image_size: 64, patch_size: 8, hidden_size: 64, intermediate_size: 128, num_hidden_layers: 3, num_attention_heads: 4,
      vision_use_head: false,
    },
    lm: {
      vocab_size: 128, hidden_size: 64, intermediate_size: 176, num_hidden_layers: 2, num_attention_heads: 4,
      num_key_value_heads: 2, max_position_embeddings: 192, tie_word_embeddings: true,
    },
  },
  // `small`'s encoder with an LM twice as wide and twice as deep (128 × 4): issue 15's base search found the 64 × 2 LM
  // answering relation questions at chance even once the encoder saw shapes (bench/RESULTS.md).
  'small-lm128': {
    encoder: {
      image_size: 32, patch_size: 4, hidden_size: 64, intermediate_size: 128, num_hidden_layers: 3, num_attention_heads: 4,
      vision_use_head: false,
    },
    lm: {
      vocab_size: 128, hidden_size: 128, intermediate_size: 352, num_hidden_layers: 4, num_attention_heads: 4,
      num_key_value_heads: 2, max_position_embeddings: 192, tie_word_embeddings: true,
    },
  },
  // Issue 3's study size: 64 image tokens, ViT 192 × 6, LM 256 × 4 (4 heads, 2 KV heads, MLP 688, vocab 512).
  tiny: {
    encoder: {
      image_size: 64, patch_size: 8, hidden_size: 192, intermediate_size: 768, num_hidden_layers: 6, num_attention_heads: 3,
      vision_use_head: false,
    },
    lm: {
      vocab_size: 512, hidden_size: 256, intermediate_size: 688, num_hidden_layers: 4, num_attention_heads: 4,
      num_key_value_heads: 2, max_position_embeddings: 256, tie_word_embeddings: true,
    },
  },
  // The benchmark size of a real MLLM (`pivot bench --config base`): a ViT-B/16 tower at 224 px (196 image tokens)
  // and a Qwen2.5-0.5B-shaped LM, ~0.58 B parameters, 8.7 GiB with gradients and AdamW state. Needs native or cuda.
  base: {
    encoder: {
      image_size: 224, patch_size: 16, hidden_size: 768, intermediate_size: 3072, num_hidden_layers: 12, num_attention_heads: 12,
      vision_use_head: false,
    },
    lm: {
      vocab_size: 151936, hidden_size: 896, intermediate_size: 4864, num_hidden_layers: 24, num_attention_heads: 14,
      num_key_value_heads: 2, max_position_embeddings: 1024, tie_word_embeddings: true, rope_theta: 1000000, rms_norm_eps: 1e-6,
    },
  },
};
