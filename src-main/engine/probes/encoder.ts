// What a probe needs from an encoder — patch tokens (and a class token where there is one) of a
// pixel batch — and the adapter that makes a CLIP / SigLIP tower such an encoder.
import * as tf from '../backend/tf';
import { hiddenStateIndex } from '../models/clip/encoder';
import type { VisionTransformer } from '../models/clip/vision-transformer';
import { stackPixels } from './image-decode';

export interface EncoderFeatures {
  /** [N, P, C], P patches in row-major grid order. */
  patchTokens: tf.Tensor3D;
  /** [N, C], where the encoder has a class token. */
  cls?: tf.Tensor2D;
}

/** Any frozen encoder: the probes only call `features`, and dispose what it returns. */
export interface FeatureEncoder {
  features(pixels: tf.Tensor4D): EncoderFeatures;
}

/** A ViT tower as a probe encoder, with the facts a caller needs to feed it. */
export interface VisionModelEncoder extends FeatureEncoder {
  imageSize: number;
  /** Patch grid [rows, cols]. */
  grid: [number, number];
  /** The hidden_states index the features come from. */
  layer: number;
  hasClassToken: boolean;
}

/**
 * Features of hidden_states[layer] (negative counts from the end). Default −2, the penultimate
 * block: the layer LLaVA-style MLLMs (and PIVOT) feed the projector, so the probe measures what
 * post-training changed (the last block gets no gradient there — TRL #1936).
 */
export function visionModelEncoder(model: VisionTransformer, options: { layer?: number } = {}): VisionModelEncoder {
  const { image_size: imageSize, num_hidden_layers: layers } = model.config;
  const side = model.config.patchesPerSide;
  const layer = hiddenStateIndex(options.layer ?? -2, layers);
  return {
    imageSize,
    grid: [side, side],
    layer,
    hasClassToken: model.hasClassToken,
    features(pixels: tf.Tensor4D): EncoderFeatures {
      if (!model.hasClassToken) return { patchTokens: model.featuresFromLayer(pixels, layer) };
      return tf.tidy(() => {
        const hidden = (model.forward(pixels, { outputHiddenStates: true }).hiddenStates as tf.Tensor3D[])[layer] as tf.Tensor3D;
        const [n, tokens, width] = hidden.shape;
        const cls = tf.reshape(tf.slice(hidden, [0, 0, 0], [n, 1, width]), [n, width]) as tf.Tensor2D;
        const patchTokens = tf.slice(hidden, [0, 1, 0], [n, tokens - 1, width]) as tf.Tensor3D;
        return { patchTokens, cls } as unknown as tf.TensorContainer;
      }) as unknown as EncoderFeatures;
    },
  };
}

/** Host copies of one batch's features. */
export interface FeatureBatch {
  /** Index of the batch's first image. */
  from: number;
  count: number;
  patches: number;
  channels: number;
  /** [count, patches, channels] */
  patchTokens: Float32Array;
  /** [count, channels], where the encoder gives one. */
  cls?: Float32Array;
}

/**
 * Runs the encoder over per-image [3, size, size] pixels in batches, handing each batch's features
 * to `use` as plain arrays and freeing every tensor, so memory holds one batch at a time.
 */
export async function encodeBatches(
  encoder: FeatureEncoder,
  images: readonly Float32Array[],
  size: number,
  use: (batch: FeatureBatch) => void,
  options: { batchSize?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<void> {
  const batchSize = options.batchSize ?? 32;
  for (let from = 0; from < images.length; from += batchSize) {
    const to = Math.min(images.length, from + batchSize);
    const pixels = tf.tensor4d(stackPixels(images, size, from, to), [to - from, 3, size, size]);
    const out = encoder.features(pixels);
    try {
      const [count, patches, channels] = out.patchTokens.shape;
      const patchTokens = (await out.patchTokens.data()) as Float32Array;
      const cls = out.cls ? ((await out.cls.data()) as Float32Array) : undefined;
      use({ from, count, patches, channels, patchTokens, cls });
    } finally {
      pixels.dispose();
      out.patchTokens.dispose();
      out.cls?.dispose();
    }
    options.onProgress?.(to, images.length);
  }
}

/** Every image's patch tokens, one [P × C] array per image (what the segmentation probe trains on), and class tokens where the encoder has them. */
export async function encodePatchTokens(
  encoder: FeatureEncoder,
  images: readonly Float32Array[],
  size: number,
  options: { batchSize?: number } = {},
): Promise<{ tokens: Float32Array[]; cls?: Float32Array[]; patches: number; channels: number }> {
  const tokens: Float32Array[] = [];
  const cls: Float32Array[] = [];
  let patches = 0;
  let channels = 0;
  await encodeBatches(encoder, images, size, (b) => {
    patches = b.patches;
    channels = b.channels;
    const each = b.patches * b.channels;
    for (let i = 0; i < b.count; i++) {
      tokens.push(b.patchTokens.slice(i * each, (i + 1) * each));
      if (b.cls) cls.push(b.cls.slice(i * b.channels, (i + 1) * b.channels));
    }
  }, options);
  return { tokens, cls: cls.length === tokens.length && cls.length > 0 ? cls : undefined, patches, channels };
}
