// LLaVA's multi-modal projector, Linear → GELU → Linear, mapping vision features to the LM's embedding width,
// with the weight names of transformers' LlavaMultiModalProjector.
import * as tf from '../../backend/tf';
import { gelu } from '../../nn/activations';
import { linear } from '../../nn/linear';
import { linearSpecs, ParameterSet, type ParamSpec } from '../../nn/parameters';

const PREFIX = 'multi_modal_projector';

/**
 * `multi_modal_projector.linear_1.{weight,bias}` [text, vision] and `linear_2.{weight,bias}` [text, text]; without
 * the biases when `bias` is false (LLaVA's `multimodal_projector_bias`).
 */
export function projectorSpecs(visionHidden: number, textHidden: number, bias = true): ParamSpec[] {
  return [...linearSpecs(`${PREFIX}.linear_1`, visionHidden, textHidden, bias), ...linearSpecs(`${PREFIX}.linear_2`, textHidden, textHidden, bias)];
}

/** The 2-layer MLP projector of LLaVA-1.5 and the paper's MLLMs (`projector_hidden_act: gelu`, exact GELU). */
export class MultiModalProjector {
  constructor(readonly params: ParameterSet) {}

  /** normal(0, 0.02) weights and zero biases; same seed, same weights. */
  static randomInit(visionHidden: number, textHidden: number, seed: number): MultiModalProjector {
    return new MultiModalProjector(ParameterSet.randomInit(projectorSpecs(visionHidden, textHidden), 'projector', seed));
  }

  /** From HF-layout tensors (a `projector.safetensors`); `tensorFor` is called once per spec. */
  static fromHf(visionHidden: number, textHidden: number, tensorFor: (spec: ParamSpec) => tf.Tensor, bias = true): MultiModalProjector {
    return new MultiModalProjector(ParameterSet.fromHf(projectorSpecs(visionHidden, textHidden, bias), 'projector', tensorFor));
  }

  /** Whether the linears have biases (LLaVA's `multimodal_projector_bias`). */
  get hasBias(): boolean {
    return this.params.has(`${PREFIX}.linear_1.bias`);
  }

  /** [..., vision hidden] → [..., text hidden]. */
  forward(features: tf.Tensor): tf.Tensor {
    const p = (name: string) => (this.params.has(`${PREFIX}.${name}`) ? this.params.get(`${PREFIX}.${name}`) : undefined);
    return tf.tidy(() => linear(gelu(linear(features, p('linear_1.weight')!, p('linear_1.bias'))), p('linear_2.weight')!, p('linear_2.bias')));
  }

  dispose(): void {
    this.params.dispose();
  }
}
