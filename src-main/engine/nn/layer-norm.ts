// Normalisation layers over the last axis: LayerNorm (CLIP, SigLIP) and RMSNorm (Qwen2); one fused kernel each
// where the backend has it (native, cuda), composed tfjs ops elsewhere.
import { backendHasKernel } from '../backend/native/fused/available';
import { fusedLayerNorm, fusedRmsNorm, PIVOT_LAYER_NORM, PIVOT_RMS_NORM } from '../backend/native/fused/norms';
import * as tf from '../backend/tf';

/**
 * PyTorch `nn.LayerNorm` over the last axis: (x − mean) / √(var + eps) · gamma + beta, biased variance.
 * @param x [..., C]; gamma, beta [C]; eps as in the config (`layer_norm_eps`, HF default 1e-5 for CLIP, 1e-6 for SigLIP)
 */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  if (backendHasKernel(PIVOT_LAYER_NORM)) return fusedLayerNorm(x, gamma, beta, eps);
  return tf.tidy(() => {
    const axis = x.rank - 1;
    const centered = tf.sub(x, tf.mean(x, axis, true));
    const variance = tf.mean(tf.square(centered), axis, true);
    return tf.add(tf.mul(tf.mul(centered, tf.rsqrt(tf.add(variance, eps))), gamma), beta);
  });
}

/**
 * Qwen2RMSNorm over the last axis: x / √(mean(x²) + eps) · weight (no centring, no bias).
 * @param x [..., C]; weight [C]; eps = the config's `rms_norm_eps`
 */
export function rmsNorm(x: tf.Tensor, weight: tf.Tensor, eps: number): tf.Tensor {
  if (backendHasKernel(PIVOT_RMS_NORM)) return fusedRmsNorm(x, weight, eps);
  return tf.tidy(() => {
    const meanSquare = tf.mean(tf.square(x), x.rank - 1, true);
    return tf.mul(tf.mul(x, tf.rsqrt(tf.add(meanSquare, eps))), weight);
  });
}
