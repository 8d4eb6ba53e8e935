// Per-layer features for the alignment measure, as platonic-rep extracts them: a ViT's class token
// after every block (mean-pooled patch tokens for towers without one), and a language model's hidden
// states mean-pooled over the non-padding tokens, for every hidden state including the embeddings.
import * as tf from '../backend/tf';
import type { VisionTransformer } from '../models/clip/vision-transformer';
import { stackPixels } from '../probes/image-decode';

/** `layers[l][i]`: sample i's feature at layer l. */
export type LayerFeatures = Float32Array[][];

/** Anything with a ViT-style forward returning every hidden state. */
export type VisionTower = Pick<VisionTransformer, 'forward' | 'hasClassToken' | 'config'>;

/** Anything with a transformers-style causal-LM forward returning every hidden state (Qwen2ForCausalLM). */
export interface LanguageModelLike {
  forward(inputs: { inputIds: tf.Tensor2D; attentionMask: tf.Tensor2D }, options: { outputHiddenStates: boolean }): { logits: tf.Tensor; hiddenStates?: tf.Tensor3D[] };
}

function appendRows(layers: LayerFeatures, layer: number, values: Float32Array, count: number, width: number): void {
  const target = (layers[layer] ??= []);
  for (let i = 0; i < count; i++) target.push(values.slice(i * width, (i + 1) * width));
}

/**
 * Vision features after each block (hidden_states[1..L]; the embeddings are not a block, and
 * platonic-rep hooks the blocks). With a class token: that token. Without (SigLIP): the mean of the
 * patch tokens — the paper's "CLS of each block" has no SigLIP counterpart, so this is our choice.
 * @param images per-image [3, S, S] normalised pixels
 */
export async function visionLayerFeatures(
  model: VisionTower,
  images: readonly Float32Array[],
  options: { batchSize?: number } = {},
): Promise<{ layers: LayerFeatures; pooling: 'class-token' | 'mean-of-patch-tokens' }> {
  const size = model.config.image_size;
  const batchSize = options.batchSize ?? 32;
  const layers: LayerFeatures = [];
  for (let from = 0; from < images.length; from += batchSize) {
    const to = Math.min(images.length, from + batchSize);
    const pixels = tf.tensor4d(stackPixels(images, size, from, to), [to - from, 3, size, size]);
    const pooled = tf.tidy(() => {
      const states = model.forward(pixels, { outputHiddenStates: true }).hiddenStates as tf.Tensor3D[];
      return states.slice(1).map((h) => {
        const [n, , width] = h.shape;
        return model.hasClassToken ? tf.reshape(tf.slice(h, [0, 0, 0], [n, 1, width]), [n, width]) : tf.mean(h, 1);
      });
    });
    pixels.dispose();
    for (const [l, t] of pooled.entries()) appendRows(layers, l, (await t.data()) as Float32Array, to - from, t.shape[1] as number);
    tf.dispose(pooled);
  }
  return { layers, pooling: model.hasClassToken ? 'class-token' : 'mean-of-patch-tokens' };
}

/**
 * LM features: every hidden state (embeddings, each layer; the last after the final norm, as
 * transformers returns it), averaged over each text's real tokens. Texts are right-padded with
 * `padId`, which a causal model's real tokens never attend to.
 * @param tokenIds one id sequence per text (no padding)
 */
export async function lmLayerFeatures(
  model: LanguageModelLike,
  tokenIds: readonly (readonly number[])[],
  options: { batchSize?: number; padId?: number } = {},
): Promise<LayerFeatures> {
  const batchSize = options.batchSize ?? 16;
  const padId = options.padId ?? 0;
  const layers: LayerFeatures = [];
  for (let from = 0; from < tokenIds.length; from += batchSize) {
    const batch = tokenIds.slice(from, from + batchSize);
    const time = Math.max(1, ...batch.map((ids) => ids.length));
    if (batch.some((ids) => ids.length === 0)) throw new Error(`lmLayerFeatures: text ${from + batch.findIndex((ids) => ids.length === 0)} has no tokens`);
    const ids = new Int32Array(batch.length * time).fill(padId);
    const mask = new Float32Array(batch.length * time);
    batch.forEach((seq, b) => seq.forEach((id, t) => {
      ids[b * time + t] = id;
      mask[b * time + t] = 1;
    }));
    const inputIds = tf.tensor2d(ids, [batch.length, time], 'int32');
    const attentionMask = tf.tensor2d(mask, [batch.length, time]);
    const pooled = tf.tidy(() => {
      const out = model.forward({ inputIds, attentionMask }, { outputHiddenStates: true });
      const weights = tf.expandDims(attentionMask, 2);
      const counts = tf.sum(weights, 1);
      return (out.hiddenStates as tf.Tensor3D[]).map((h) => tf.div(tf.sum(tf.mul(h, weights), 1), counts) as tf.Tensor2D);
    });
    tf.dispose([inputIds, attentionMask]);
    for (const [l, t] of pooled.entries()) appendRows(layers, l, (await t.data()) as Float32Array, batch.length, t.shape[1] as number);
    tf.dispose(pooled);
  }
  return layers;
}
