// SiglipVisionModel: patch embedding (with bias) + positions → encoder → post_layernorm, which
// unlike CLIP is part of last_hidden_state; no class token; the pooler is the MAP head, if present.
import * as tf from '../../backend/tf';
import { activationFor } from '../../nn/activations';
import { layerNorm } from '../../nn/layer-norm';
import { layerNormSpecs, ParameterSet, type ParamSpec } from '../../nn/parameters';
import { patchEmbedding } from '../../nn/patch-embedding';
import { encoderSpecs } from '../clip/encoder';
import { VisionTransformer } from '../clip/vision-transformer';
import { attentionPooling, attentionPoolingSpecs } from './attention-pooling';
import { SiglipVisionConfig } from './config';

/** Every weight of a SiglipVisionModel for `config`, named and shaped as in its HF checkpoint. */
export function siglipVisionParamSpecs(config: SiglipVisionConfig): ParamSpec[] {
  const { hidden_size: hidden, num_channels: channels, patch_size: patch } = config;
  return [
    { name: 'embeddings.patch_embedding.weight', shape: [hidden, channels, patch, patch], layout: 'kernel', init: 'normal' },
    { name: 'embeddings.patch_embedding.bias', shape: [hidden], layout: 'as-is', init: 'zeros' },
    { name: 'embeddings.position_embedding.weight', shape: [config.numPatches, hidden], layout: 'as-is', init: 'normal' },
    ...encoderSpecs(config),
    ...layerNormSpecs('post_layernorm', hidden),
    ...(config.vision_use_head ? attentionPoolingSpecs(hidden, config.intermediate_size) : []),
  ];
}

/** transformers' `SiglipVisionModel` on tfjs. */
export class SiglipVisionModel extends VisionTransformer<SiglipVisionConfig> {
  readonly hasClassToken = false;

  /** A toy or fresh model: normal(0, 0.02) weights, LayerNorms at identity; same seed → same weights. */
  static randomInit(config: SiglipVisionConfig, seed: number): SiglipVisionModel {
    return new SiglipVisionModel(config, ParameterSet.randomInit(siglipVisionParamSpecs(config), 'siglip_vision', seed));
  }

  /** From HF-layout tensors (e.g. read from a checkpoint); `tensorFor` is called once per spec. */
  static fromHfTensors(config: SiglipVisionConfig, tensorFor: (spec: ParamSpec) => tf.Tensor): SiglipVisionModel {
    return new SiglipVisionModel(config, ParameterSet.fromHf(siglipVisionParamSpecs(config), 'siglip_vision', tensorFor));
  }

  paramSpecs(): ParamSpec[] {
    return siglipVisionParamSpecs(this.config);
  }

  protected embed(pixelValues: tf.Tensor): tf.Tensor3D {
    const p = (name: string) => this.params.get(name);
    const patches = patchEmbedding(
      pixelValues,
      this.config.patch_size,
      p('embeddings.patch_embedding.weight'),
      p('embeddings.patch_embedding.bias'),
    );
    return tf.add(patches, p('embeddings.position_embedding.weight')) as tf.Tensor3D;
  }

  protected pool(encoderOutput: tf.Tensor3D): { lastHiddenState: tf.Tensor3D; poolerOutput?: tf.Tensor2D } {
    const { layer_norm_eps: eps } = this.config;
    const last = layerNorm(encoderOutput, this.params.get('post_layernorm.weight'), this.params.get('post_layernorm.bias'), eps) as tf.Tensor3D;
    if (!this.config.vision_use_head) return { lastHiddenState: last };
    const act = activationFor(this.config.hidden_act);
    return { lastHiddenState: last, poolerOutput: attentionPooling(last, this.params, this.config.num_attention_heads, eps, act) };
  }
}
