// CLIPVisionModel: class token + patch embedding + positions → pre_layrnorm → encoder; the pooler
// is post_layernorm(class token) and last_hidden_state has no final norm, exactly as transformers.
import * as tf from '../../backend/tf';
import { layerNorm } from '../../nn/layer-norm';
import { layerNormSpecs, ParameterSet, type ParamSpec } from '../../nn/parameters';
import { patchEmbedding } from '../../nn/patch-embedding';
import { CLIPVisionConfig } from './config';
import { encoderSpecs } from './encoder';
import { VisionTransformer } from './vision-transformer';

/** Every weight of a CLIPVisionModel for `config`, named and shaped as in its HF checkpoint. */
export function clipVisionParamSpecs(config: CLIPVisionConfig): ParamSpec[] {
  const { hidden_size: hidden, num_channels: channels, patch_size: patch } = config;
  return [
    { name: 'embeddings.class_embedding', shape: [hidden], layout: 'as-is', init: 'normal' },
    { name: 'embeddings.patch_embedding.weight', shape: [hidden, channels, patch, patch], layout: 'kernel', init: 'normal' },
    { name: 'embeddings.position_embedding.weight', shape: [config.numPatches + 1, hidden], layout: 'as-is', init: 'normal' },
    ...layerNormSpecs('pre_layrnorm', hidden),
    ...encoderSpecs(config),
    ...layerNormSpecs('post_layernorm', hidden),
  ];
}

/** transformers' `CLIPVisionModel` on tfjs. */
export class CLIPVisionModel extends VisionTransformer<CLIPVisionConfig> {
  readonly hasClassToken = true;

  /** A toy or fresh model: normal(0, 0.02) weights, LayerNorms at identity; same seed → same weights. */
  static randomInit(config: CLIPVisionConfig, seed: number): CLIPVisionModel {
    return new CLIPVisionModel(config, ParameterSet.randomInit(clipVisionParamSpecs(config), 'clip_vision', seed));
  }

  /** From HF-layout tensors (e.g. read from a checkpoint); `tensorFor` is called once per spec. */
  static fromHfTensors(config: CLIPVisionConfig, tensorFor: (spec: ParamSpec) => tf.Tensor): CLIPVisionModel {
    return new CLIPVisionModel(config, ParameterSet.fromHf(clipVisionParamSpecs(config), 'clip_vision', tensorFor));
  }

  paramSpecs(): ParamSpec[] {
    return clipVisionParamSpecs(this.config);
  }

  protected embed(pixelValues: tf.Tensor): tf.Tensor3D {
    const p = (name: string) => this.params.get(name);
    const { hidden_size: hidden, patch_size: patch } = this.config;
    const batch = pixelValues.shape[0] as number;
    const patches = patchEmbedding(pixelValues, patch, p('embeddings.patch_embedding.weight'));
    const classToken = tf.broadcastTo(tf.reshape(p('embeddings.class_embedding'), [1, 1, hidden]), [batch, 1, hidden]);
    // position_ids is arange(num_positions), so the lookup is the whole table: a broadcast add, no gather.
    const embeddings = tf.add(tf.concat([classToken, patches], 1), p('embeddings.position_embedding.weight'));
    return layerNorm(embeddings, p('pre_layrnorm.weight'), p('pre_layrnorm.bias'), this.config.layer_norm_eps) as tf.Tensor3D;
  }

  protected pool(encoderOutput: tf.Tensor3D): { lastHiddenState: tf.Tensor3D; poolerOutput: tf.Tensor2D } {
    const [batch, , hidden] = encoderOutput.shape;
    const classToken = tf.reshape(tf.slice(encoderOutput, [0, 0, 0], [batch, 1, hidden]), [batch, hidden]);
    const pooled = layerNorm(classToken, this.params.get('post_layernorm.weight'), this.params.get('post_layernorm.bias'), this.config.layer_norm_eps);
    return { lastHiddenState: encoderOutput, poolerOutput: pooled as tf.Tensor2D };
  }
}
