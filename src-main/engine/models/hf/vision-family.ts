// Which vision architecture a Hugging Face config.json describes, and its config object: CLIP or
// SigLIP, from `model_type` (vision-only or whole-model) or else `architectures`.
import { PivotError } from '../../../../src-shared/errors';
import { CLIPVisionConfig } from '../clip/config';
import { CLIPVisionModel, clipVisionParamSpecs } from '../clip/model';
import type { ParamSpec } from '../../nn/parameters';
import { checkModelFits } from '../model-size';
import { SiglipVisionConfig } from '../siglip/config';
import { SiglipVisionModel, siglipVisionParamSpecs } from '../siglip/model';

/** A loaded vision tower of either family. */
export type VisionModel = CLIPVisionModel | SiglipVisionModel;
export type VisionConfig = CLIPVisionConfig | SiglipVisionConfig;
export type VisionFamily = 'clip' | 'siglip';

const FAMILY_OF_MODEL_TYPE: Readonly<Record<string, VisionFamily>> = {
  clip: 'clip',
  clip_vision_model: 'clip',
  siglip: 'siglip',
  siglip_vision_model: 'siglip',
};

/** `CLIPModel`, `CLIPVisionModel`, `CLIPVisionModelWithProjection`, `SiglipModel`, `SiglipVisionModel`, … */
function familyOfArchitecture(name: string): VisionFamily | undefined {
  if (/^CLIP(Vision)?Model/.test(name)) return 'clip';
  if (/^Siglip(Vision)?Model/.test(name)) return 'siglip';
  return undefined;
}

/** The family of a parsed config.json; throws naming what it found for anything else. */
export function visionFamily(json: unknown, source = 'config.json'): VisionFamily {
  const top = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  const vision = top.vision_config as Record<string, unknown> | undefined;
  for (const modelType of [top.model_type, vision?.model_type]) {
    if (typeof modelType === 'string' && Object.prototype.hasOwnProperty.call(FAMILY_OF_MODEL_TYPE, modelType)) {
      return FAMILY_OF_MODEL_TYPE[modelType] as VisionFamily;
    }
  }
  const architectures = Array.isArray(top.architectures) ? top.architectures.filter((a) => typeof a === 'string') : [];
  for (const name of architectures) {
    const family = familyOfArchitecture(name);
    if (family) return family;
  }
  throw new PivotError('UNSUPPORTED_MODEL',
    `${source}: not a CLIP or SigLIP vision model (model_type ${JSON.stringify(top.model_type)}, ` +
      `architectures ${JSON.stringify(architectures)}). Supported: model_type ${Object.keys(FAMILY_OF_MODEL_TYPE).join(', ')}.`,
  );
}

/** The fields of a vision config that size its weights. */
const VISION_DIMENSIONS = ['num_hidden_layers', 'hidden_size', 'intermediate_size', 'image_size', 'patch_size', 'num_channels'] as const;

/** The vision config a parsed config.json describes, of the right family; refused if its model cannot fit in memory. */
export function visionConfigFromJSON(json: unknown, source = 'config.json'): VisionConfig {
  const config = visionFamily(json, source) === 'clip' ? CLIPVisionConfig.fromJSON(json, source) : SiglipVisionConfig.fromJSON(json, source);
  checkVisionModelFits(config, source);
  return config;
}

/** Every weight of a vision tower of either family, named and shaped as in its HF checkpoint. */
export function visionParamSpecs(config: VisionConfig): ParamSpec[] {
  return config instanceof CLIPVisionConfig ? clipVisionParamSpecs(config) : siglipVisionParamSpecs(config);
}

/** Refuses, before anything is allocated, a vision config whose weights would not fit in this machine's memory. */
export function checkVisionModelFits(config: VisionConfig, source: string): void {
  checkModelFits(config, source, VISION_DIMENSIONS, visionParamSpecs);
}
