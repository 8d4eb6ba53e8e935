// What CLIPVisionConfig and SiglipVisionConfig share (SigLIP's vision tower is CLIP's without the
// class token): Hugging Face field names and defaults, reading config.json, writing it back.
import { PivotError } from '../../../../src-shared/errors';
import { activationFor } from '../../nn/activations';

/** Fields that must be positive integers. */
const INTEGER_FIELDS = new Set([
  'hidden_size', 'intermediate_size', 'num_hidden_layers', 'num_attention_heads', 'num_channels', 'image_size', 'patch_size',
]);

/** Properties of a config object that are not config.json fields. */
const NOT_FIELDS = new Set(['raw', 'architecture', 'model_type']);
type NotFields = 'raw' | 'architecture' | 'model_type' | 'headDim' | 'patchesPerSide' | 'numPatches';

/** The typed fields of a vision config; `Partial<...>` of it is what toy models pass. */
export type VisionConfigFields<C> = {
  [K in keyof C as K extends NotFields ? never : C[K] extends number | string | boolean ? K : never]: C[K];
};

/**
 * A ViT-style vision config with HF's field names (snake_case on purpose: they are the names in
 * config.json, and export writes them back unchanged). Subclasses override the defaults.
 */
export abstract class VisionTransformerConfig {
  hidden_size = 768;
  intermediate_size = 3072;
  num_hidden_layers = 12;
  num_attention_heads = 12;
  num_channels = 3;
  image_size = 224;
  patch_size = 16;
  hidden_act = 'gelu_pytorch_tanh';
  layer_norm_eps = 1e-6;
  attention_dropout = 0;
  /** The config.json fields as read (the vision part of a whole-model config), {} for a toy model. */
  raw: Record<string, unknown> = {};
  /** HF `model_type` of the vision model, e.g. `clip_vision_model`. */
  abstract readonly model_type: string;
  /** HF class name written to `architectures`, e.g. `CLIPVisionModel`. */
  abstract readonly architecture: string;

  /** Width of one attention head. */
  get headDim(): number {
    return this.hidden_size / this.num_attention_heads;
  }

  /** Patches along one side; pixels beyond the last whole patch are ignored, as HF's conv does. */
  get patchesPerSide(): number {
    return Math.floor(this.image_size / this.patch_size);
  }

  get numPatches(): number {
    return this.patchesPerSide ** 2;
  }

  /** Sets the given fields over the defaults, checking types; `source` names the origin in errors. */
  protected assign(fields: Record<string, unknown>, source: string): void {
    const self = this as unknown as Record<string, unknown>;
    for (const key of Object.keys(self)) {
      if (NOT_FIELDS.has(key) || fields[key] === undefined || fields[key] === null) continue;
      const value = fields[key];
      if (typeof value !== typeof self[key]) {
        throw new PivotError('INVALID_CONFIG', `${source}: "${key}" must be a ${typeof self[key]}, got ${JSON.stringify(value)}`, { file: source, field: key, value });
      }
      if (INTEGER_FIELDS.has(key) && !(Number.isInteger(value) && (value as number) > 0)) {
        throw new PivotError('INVALID_CONFIG', `${source}: "${key}" must be a positive integer, got ${JSON.stringify(value)}`, { file: source, field: key, value });
      }
      self[key] = value;
    }
    if (this.hidden_size % this.num_attention_heads !== 0) {
      throw new PivotError('INVALID_CONFIG',
        `${source}: hidden_size ${this.hidden_size} is not divisible by num_attention_heads ${this.num_attention_heads}`,
      );
    }
    if (this.patch_size > this.image_size) {
      throw new PivotError('INVALID_CONFIG', `${source}: patch_size ${this.patch_size} is larger than image_size ${this.image_size}`, { file: source, field: 'patch_size', value: this.patch_size });
    }
    try {
      activationFor(this.hidden_act);
    } catch (err) {
      throw new PivotError('INVALID_CONFIG', `${source}: ${(err as Error).message}`, { file: source, field: 'hidden_act', value: this.hidden_act });
    }
  }

  /** The config.json of the vision model alone: the fields read, updated, with keys sorted as HF writes them. */
  toJSON(): Record<string, unknown> {
    const self = this as unknown as Record<string, unknown>;
    const merged: Record<string, unknown> = { ...this.raw };
    for (const key of Object.keys(self)) if (!NOT_FIELDS.has(key)) merged[key] = self[key];
    merged.model_type = this.model_type;
    merged.architectures = [this.architecture];
    // The engine holds and saves float32, whatever the source checkpoint was.
    merged.dtype = 'float32';
    if ('torch_dtype' in merged) merged.torch_dtype = 'float32';
    return Object.fromEntries(Object.keys(merged).sort().map((key) => [key, merged[key]]));
  }
}

/**
 * The vision part of a config.json: the object itself for a vision model, `vision_config` for a
 * whole CLIPModel / SiglipModel (or a LLaVA-style config). Checks `model_type` against `accepted`.
 */
export function visionConfigSection(
  json: unknown,
  accepted: { vision: string; whole: string },
  source: string,
): Record<string, unknown> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new PivotError('INVALID_CONFIG', `${source}: expected a JSON object`, { file: source });
  }
  const top = json as Record<string, unknown>;
  const nested = top.vision_config ?? top.vision_config_dict;
  if (typeof nested === 'object' && nested !== null) {
    const section = nested as Record<string, unknown>;
    if (section.model_type !== undefined && section.model_type !== accepted.vision) {
      throw new PivotError('UNSUPPORTED_MODEL', `${source}: vision_config.model_type is "${String(section.model_type)}", expected "${accepted.vision}"`, { file: source, modelType: String(section.model_type), supported: [accepted.vision] });
    }
    return { ...section };
  }
  if (top.model_type !== undefined && top.model_type !== accepted.vision) {
    const whole = top.model_type === accepted.whole ? ' (a whole-model config without vision_config)' : '';
    throw new PivotError('UNSUPPORTED_MODEL', `${source}: model_type is "${String(top.model_type)}"${whole}, expected "${accepted.vision}"`, { file: source, modelType: String(top.model_type), supported: [accepted.vision] });
  }
  return { ...top };
}
