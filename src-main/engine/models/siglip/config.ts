// SiglipVisionConfig: the vision tower of SigLIP with Hugging Face's field names and defaults.
import { VisionTransformerConfig, visionConfigSection, type VisionConfigFields } from '../clip/vision-config';

/** The fields a toy SigLIP vision model may set; everything else keeps HF's default. */
export type SiglipVisionConfigFields = Partial<VisionConfigFields<SiglipVisionConfig>>;

/** transformers' `SiglipVisionConfig` (defaults of google/siglip-base-patch16-224). */
export class SiglipVisionConfig extends VisionTransformerConfig {
  readonly model_type = 'siglip_vision_model';
  readonly architecture = 'SiglipVisionModel';
  /**
   * Whether the tower ends in the MAP head (`head.*`). Not a SiglipVisionConfig field in
   * transformers, but SiglipVisionTransformer reads it when present (PaliGemma sets it false);
   * absent means true there, and here.
   */
  vision_use_head = true;

  constructor(fields: SiglipVisionConfigFields = {}, source = 'SiglipVisionConfig') {
    super();
    this.assign(fields as Record<string, unknown>, source);
  }

  /** From a parsed config.json: a SiglipVisionModel's, or a whole SiglipModel's (`vision_config` inside). */
  static fromJSON(json: unknown, source = 'config.json'): SiglipVisionConfig {
    const section = visionConfigSection(json, { vision: 'siglip_vision_model', whole: 'siglip' }, source);
    const config = new SiglipVisionConfig(section as SiglipVisionConfigFields, source);
    config.raw = section;
    return config;
  }

  /** As the base, but `vision_use_head` only where it says something: it is not a standard field. */
  override toJSON(): Record<string, unknown> {
    const json = super.toJSON();
    if (this.vision_use_head && !('vision_use_head' in this.raw)) delete json.vision_use_head;
    return json;
  }
}
