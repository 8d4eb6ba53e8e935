// The "encoder + projector" probe encoder of issue 4: an MLLM's visual tokens — its feature layer, class token
// dropped, through its projector — exactly what its LM receives, as patch tokens a probe can pool.
import type * as tf from '../backend/tf';
import { hiddenStateIndex } from '../models/clip/encoder';
import type { Mllm } from '../models/mllm/model';
import type { EncoderFeatures, VisionModelEncoder } from './encoder';
import { LINEAR_PROBE_PROTOCOL } from './linear-probe';

/** The linear probe's protocol on these features, so a report never mixes them up with the encoder's. */
export const LINEAR_PROBE_PROJECTOR_PROTOCOL = `${LINEAR_PROBE_PROTOCOL}/encoder+projector`;

/**
 * patchTokens [N, P, LM width] = `mllm.imageTokens(pixels)`: the MLLM's own path, so the probe sees what the
 * LM sees. No class token (the MLLM drops it before the projector), so the linear probe pools patches only.
 */
export function mllmVisualTokenEncoder(mllm: Mllm): VisionModelEncoder {
  const vision = mllm.encoder.config;
  const side = vision.patchesPerSide;
  return {
    imageSize: vision.image_size,
    grid: [side, side],
    layer: hiddenStateIndex(mllm.config.featureLayer, vision.num_hidden_layers),
    hasClassToken: false,
    features(pixels: tf.Tensor4D): EncoderFeatures {
      return { patchTokens: mllm.imageTokens(pixels) };
    },
  };
}
