// The model object CLIPVisionModel and SiglipVisionModel share: parameters as HF-named variables,
// forward with HF's outputs, and features from a chosen layer for an MLLM's projector.
import { PivotError } from '../../../../src-shared/errors';
import * as tf from '../../backend/tf';
import type { ParamSpec, ParameterSet } from '../../nn/parameters';
import { hiddenStateIndex, runEncoder } from './encoder';
import type { VisionTransformerConfig } from './vision-config';

/** Options of `forward`. */
export interface VisionForwardOptions {
  /** Also return `hiddenStates` (HF `output_hidden_states`). Default false. */
  outputHiddenStates?: boolean;
}

/** HF `BaseModelOutputWithPooling`, camelCased. */
export interface VisionModelOutput {
  /** [B, tokens, hidden] */
  lastHiddenState: tf.Tensor3D;
  /** [B, hidden]; absent for a SigLIP tower without its MAP head. */
  poolerOutput?: tf.Tensor2D;
  /** [encoder input, block 0 output, …, block L−1 output], each [B, tokens, hidden]. */
  hiddenStates?: tf.Tensor3D[];
}

/** A ViT-style vision tower; subclasses define the embeddings and the pooling. */
export abstract class VisionTransformer<C extends VisionTransformerConfig = VisionTransformerConfig> {
  /** Whether token 0 is a class token (dropped by `featuresFromLayer`). */
  abstract readonly hasClassToken: boolean;

  constructor(
    readonly config: C,
    /** Every weight, keyed by its exact HF name (without the `vision_model.` prefix). */
    readonly params: ParameterSet,
  ) {
    const expected = this.paramSpecs().map((spec) => spec.name);
    const missing = expected.filter((name) => !params.has(name));
    if (missing.length > 0) throw new PivotError('CHECKPOINT_INCOMPATIBLE', `${config.architecture}: parameters missing: ${missing.join(', ')}`);
  }

  /** The weights this config implies, with HF names and shapes. */
  abstract paramSpecs(): ParamSpec[];

  /** pixel_values → the encoder input (HF hidden_states[0]). */
  protected abstract embed(pixelValues: tf.Tensor): tf.Tensor3D;

  /** The encoder's last hidden state → HF's last_hidden_state and pooler_output. */
  protected abstract pool(encoderOutput: tf.Tensor3D): { lastHiddenState: tf.Tensor3D; poolerOutput?: tf.Tensor2D };

  /**
   * The HF forward pass.
   * @param pixelValues [B, num_channels, image_size, image_size] float32, already normalised (NCHW)
   */
  forward(pixelValues: tf.Tensor, options: VisionForwardOptions = {}): VisionModelOutput {
    this.checkPixels(pixelValues);
    // tidy keeps every tensor of the returned object and frees the rest (the unreturned states).
    return tf.tidy(() => {
      const states = runEncoder(this.embed(pixelValues), this.params, this.config);
      const output: VisionModelOutput = this.pool(states[states.length - 1] as tf.Tensor3D);
      if (options.outputHiddenStates) output.hiddenStates = states;
      return output as unknown as tf.TensorContainer;
    }) as unknown as VisionModelOutput;
  }

  /**
   * hidden_states[layer], every token (class token included): what LLaVA selects its image features from.
   * Blocks after `layer` are not run.
   * @param layer index into hidden_states, negative from the end
   * @returns [B, tokens, hidden]
   */
  hiddenStateAt(pixelValues: tf.Tensor, layer: number): tf.Tensor3D {
    this.checkPixels(pixelValues);
    const index = hiddenStateIndex(layer, this.config.num_hidden_layers);
    return tf.tidy(() => runEncoder(this.embed(pixelValues), this.params, this.config, index)[index] as tf.Tensor3D);
  }

  /**
   * The patch tokens of hidden_states[layer], class token dropped.
   * @param layer index into hidden_states, negative from the end; default −2 (the penultimate block)
   * @returns [B, numPatches, hidden]
   */
  featuresFromLayer(pixelValues: tf.Tensor, layer = -2): tf.Tensor3D {
    return tf.tidy(() => {
      const hidden = this.hiddenStateAt(pixelValues, layer);
      if (!this.hasClassToken) return hidden;
      const [batch, tokens, width] = hidden.shape;
      return tf.slice(hidden, [0, 1, 0], [batch, tokens - 1, width]);
    });
  }

  /** Trainable variables in checkpoint order. */
  variables(): tf.Variable[] {
    return this.params.variables();
  }

  dispose(): void {
    this.params.dispose();
  }

  private checkPixels(pixelValues: tf.Tensor): void {
    const { num_channels: channels, image_size: size } = this.config;
    const [, c, h, w] = pixelValues.shape;
    if (pixelValues.rank !== 4 || c !== channels || h !== size || w !== size) {
      throw new PivotError('INVALID_DATA',
        `${this.config.architecture}: pixel_values must be [batch, ${channels}, ${size}, ${size}] (NCHW, normalised), ` +
          `got [${pixelValues.shape.join(', ')}]; resize the images to image_size ${size}`,
      );
    }
    if (pixelValues.dtype !== 'float32') {
      throw new PivotError('INVALID_DATA', `${this.config.architecture}: pixel_values must be float32, got ${pixelValues.dtype}`);
    }
  }
}
