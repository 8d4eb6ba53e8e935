// The two ways transformers names a LLaVA checkpoint's tensors — 4.x (`vision_tower.vision_model.…`,
// `language_model.model.…`, `language_model.lm_head.weight`) and 5 (`model.vision_tower.vision_model.…`,
// `model.language_model.…`, `lm_head.weight`; its _checkpoint_conversion_mapping) — and which one a folder uses.
import { PivotError } from '../../../../src-shared/errors';
import type { TensorSource } from '../../io/safetensors';
import type { LlavaLayout } from '../mllm/config';

/** Checkpoint keys of each part, from the names the parts' own loaders use. */
export interface LlavaKeys {
  /** Before a vision tower's HF names (`embeddings.patch_embedding.weight`, …). */
  visionPrefix: string;
  /** Before the projector's names (`multi_modal_projector.linear_1.weight`, …). */
  projectorPrefix: string;
  /** A Qwen2ForCausalLM name (`model.layers.0…`, `lm_head.weight`) → its key. */
  lmKey: (name: string) => string;
}

export const LLAVA_KEYS: Readonly<Record<LlavaLayout, LlavaKeys>> = {
  'transformers-4': { visionPrefix: 'vision_tower.vision_model.', projectorPrefix: '', lmKey: (name) => `language_model.${name}` },
  'transformers-5': {
    visionPrefix: 'model.vision_tower.vision_model.',
    projectorPrefix: 'model.',
    lmKey: (name) => (name.startsWith('model.') ? `model.language_model.${name.slice('model.'.length)}` : name),
  },
};

const PROBE_TENSOR = 'embeddings.patch_embedding.weight';

/** The layout whose vision tower `source` holds; throws naming what it found instead. */
export function detectLayout(source: TensorSource): LlavaLayout {
  const layouts = Object.keys(LLAVA_KEYS) as LlavaLayout[];
  const found = layouts.find((layout) => source.has(LLAVA_KEYS[layout].visionPrefix + PROBE_TENSOR));
  if (found) return found;
  const names = source.names();
  throw new PivotError('CHECKPOINT_INCOMPATIBLE',
    `${source.location}: no LLaVA vision tower: expected "${layouts.map((l) => LLAVA_KEYS[l].visionPrefix + PROBE_TENSOR).join('" or "')}", ` +
      `found ${names.length} tensors such as ${names.slice(0, 3).map((n) => `"${n}"`).join(', ')}. ` +
      'Is this a LlavaForConditionalGeneration checkpoint saved by transformers?',
    { file: source.location },
  );
}
