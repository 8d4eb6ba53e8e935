// CLIPVisionConfig: the vision tower of CLIP with Hugging Face's field names and defaults.
import { VisionTransformerConfig, visionConfigSection, type VisionConfigFields } from './vision-config';

/** The fields a toy CLIP vision model may set; everything else keeps HF's default. */
export type CLIPVisionConfigFields = Partial<VisionConfigFields<CLIPVisionConfig>>;

/** transformers' `CLIPVisionConfig` (defaults of openai/clip-vit-base-patch32). */
export class CLIPVisionConfig extends VisionTransformerConfig {
  readonly model_type = 'clip_vision_model';
  readonly architecture = 'CLIPVisionModel';
  override patch_size = 32;
  override hidden_act = 'quick_gelu';
  override layer_norm_eps = 1e-5;
  projection_dim = 512;
  initializer_range = 0.02;
  initializer_factor = 1.0;

  constructor(fields: CLIPVisionConfigFields = {}, source = 'CLIPVisionConfig') {
    super();
    this.assign(fields as Record<string, unknown>, source);
  }

  /** From a parsed config.json: a CLIPVisionModel's, or a whole CLIPModel's (`vision_config` inside). */
  static fromJSON(json: unknown, source = 'config.json'): CLIPVisionConfig {
    const section = visionConfigSection(json, { vision: 'clip_vision_model', whole: 'clip' }, source);
    const config = new CLIPVisionConfig(section as CLIPVisionConfigFields, source);
    config.raw = section;
    return config;
  }
}
