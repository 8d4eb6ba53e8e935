// The MLLM the study trains: vision encoder (features from a chosen layer, LLaVA's select strategy) → projector → Qwen2 LM
// over [text tokens with the image's tokens spliced in at the placeholder].
import { PivotError } from '../../../../src-shared/errors';
import * as tf from '../../backend/tf';
import { hiddenStateIndex } from '../clip/encoder';
import type { VisionModel } from '../hf/vision-family';
import type { Qwen2ForCausalLM } from '../qwen2/modeling';
import type { TextTokenizer } from '../../tokenizer/textTokenizer';
import type { LlavaOrigin, MllmConfig } from './config';
import type { MllmPart } from './parts';
import type { MultiModalProjector } from './projector';
import { spliceEmbeddings, spliceLayout, type SequenceRow } from './splice';

export { MLLM_PARTS, type MllmPart } from './parts';

/** A batch as the model takes it. */
export interface MllmBatch {
  /** [images, 3, size, size] float32, normalised; null when no row has an image. */
  pixels: tf.Tensor4D | null;
  rows: readonly SequenceRow[];
}

/** What `forward` returns, all [batch, length(, vocab)], aligned with the expanded sequence. */
export interface MllmOutput {
  logits: tf.Tensor3D;
  /** Expanded ids (the placeholder id at image positions), int32. */
  inputIds: tf.Tensor2D;
  /** 1 on answer tokens; 0 on prompt, image and padding positions. */
  labelsMask: tf.Tensor2D;
}

/** The tokenizer files a checkpoint carries (file name → text): tokenizer.json and, when present, tokenizer_config.json and the chat template files. */
export type TokenizerFiles = Readonly<Record<string, string>>;

export class Mllm {
  constructor(
    readonly encoder: VisionModel,
    readonly projector: MultiModalProjector,
    readonly lm: Qwen2ForCausalLM,
    readonly tokenizer: TextTokenizer,
    readonly tokenizerFiles: TokenizerFiles,
    readonly config: MllmConfig,
    /** The LLaVA folder it was loaded from, if any: saved back in that layout with those files. */
    readonly origin?: LlavaOrigin,
  ) {
    hiddenStateIndex(config.featureLayer, encoder.config.num_hidden_layers);
    if (encoder.config.image_size !== config.imageSize) {
      throw new PivotError('CHECKPOINT_INCOMPATIBLE', `MLLM: the encoder takes ${encoder.config.image_size} px images but the MLLM config says ${config.imageSize}`);
    }
    if (tokenizer.vocabSize > lm.config.vocab_size) {
      throw new PivotError('CHECKPOINT_INCOMPATIBLE',
        `MLLM: ${tokenizer.source} has ${tokenizer.vocabSize} tokens but the LM's vocab_size is ${lm.config.vocab_size}; ` +
          'use a tokenizer that matches the LM (or a preset whose vocabulary is large enough)',
      );
    }
  }

  /** Image tokens per image (LLaVA's image_seq_length): the feature layer's tokens, less the first under 'default'. */
  get imageTokenCount(): number {
    const tokens = this.encoder.config.numPatches + (this.encoder.hasClassToken ? 1 : 0);
    return this.config.selectStrategy === 'default' ? tokens - 1 : tokens;
  }

  /** Padding id: the tokenizer's pad (or EOS) token, else 0; padded positions are masked everywhere. */
  get padTokenId(): number {
    return this.tokenizer.padTokenId ?? 0;
  }

  /** Projected image tokens [images, N, LM width] from pixels [images, 3, size, size]. */
  imageTokens(pixels: tf.Tensor4D): tf.Tensor3D {
    return tf.tidy(() => this.projector.forward(this.imageFeatures(pixels)) as tf.Tensor3D);
  }

  /** The encoder's features the projector takes [images, N, vision width]: transformers' LLaVA get_image_features. */
  imageFeatures(pixels: tf.Tensor4D): tf.Tensor3D {
    return tf.tidy(() => {
      const hidden = this.encoder.hiddenStateAt(pixels, this.config.featureLayer);
      if (this.config.selectStrategy === 'full') return hidden;
      const [images, tokens, width] = hidden.shape;
      return tf.slice(hidden, [0, 1, 0], [images, tokens - 1, width]);
    });
  }

  /** Logits over the expanded batch, with its ids and answer mask. */
  forward(batch: MllmBatch): MllmOutput {
    const layout = spliceLayout(batch.rows, this.imageTokenCount, this.tokenizer.imageTokenId, this.padTokenId);
    return tf.tidy(() => {
      const textEmbeds = this.lm.embed(tf.tensor2d(layout.textIds, [1, layout.textIds.length], 'int32'));
      const width = this.lm.config.hidden_size;
      const imageEmbeds = batch.pixels ? tf.reshape(this.imageTokens(batch.pixels), [-1, width]) as tf.Tensor2D : null;
      const inputsEmbeds = spliceEmbeddings(layout, tf.reshape(textEmbeds, [-1, width]) as tf.Tensor2D, imageEmbeds);
      const shape: [number, number] = [layout.batch, layout.length];
      const { logits } = this.lm.forward({ inputsEmbeds, attentionMask: tf.tensor2d(layout.attentionMask, shape) });
      return {
        logits,
        inputIds: tf.tensor2d(layout.inputIds, shape, 'int32'),
        labelsMask: tf.tensor2d(layout.labelsMask, shape),
      } as unknown as tf.TensorContainer;
    }) as unknown as MllmOutput;
  }

  /**
   * The variables of a part that its forward pass uses. The encoder's blocks after the feature layer (and its
   * final norm and pooling head) never see a gradient (TRL #1936), so they are left out of training and stay
   * exactly as loaded.
   */
  variables(part: MllmPart): tf.Variable[] {
    return this.namedVariables(part).map(([, variable]) => variable);
  }

  /** [stable name, variable] of a part, e.g. `encoder/encoder.layers.0.mlp.fc1.weight`; names survive save and load. */
  namedVariables(part: MllmPart): [string, tf.Variable][] {
    if (part === 'projector') return this.projector.params.specs.map((s) => [`projector/${s.name}`, this.projector.params.get(s.name)]);
    if (part === 'lm') return this.lm.parameters.specs.map((s) => [`lm/${s.name}`, this.lm.parameters.get(s.name)]);
    const blocks = hiddenStateIndex(this.config.featureLayer, this.encoder.config.num_hidden_layers);
    const used = (name: string): boolean => {
      const layer = /^encoder\.layers\.(\d+)\./.exec(name);
      if (layer) return Number(layer[1]) < blocks;
      return !name.startsWith('post_layernorm.') && !name.startsWith('head.');
    };
    return this.encoder.params.specs.filter((s) => used(s.name)).map((s) => [`encoder/${s.name}`, this.encoder.params.get(s.name)]);
  }

  dispose(): void {
    this.encoder.dispose();
    this.projector.dispose();
    this.lm.dispose();
  }
}
