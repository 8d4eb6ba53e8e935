// Grad-CAM of one sample: the study's variant (the loss's gradient at the projector output, L1 norm per visual
// token) or standard ViT Grad-CAM on an encoder layer, each as a [gridH, gridW] map normalised to [0, 1].
import { PivotError } from '../../../src-shared/errors';
import * as tf from '../backend/tf';
import { hiddenStateIndex, runEncoder } from '../models/clip/encoder';
import type { Mllm } from '../models/mllm/model';
import type { ParameterSet } from '../nn/parameters';
import { sampleObjective, type GradcamSample, type SampleLossOptions, type SampleObjective } from './gradcam-loss';
import { layerGradcamMap, normaliseMap, projectorL1Map } from './gradcam-maps';

export const GRADCAM_METHODS = ['projector-l1', 'layer'] as const;
export type GradcamMethod = (typeof GRADCAM_METHODS)[number];

export interface GradcamOptions extends SampleLossOptions {
  method: GradcamMethod;
  /**
   * For `layer`: the encoder hidden state to explain (index into hidden_states, negative from the end, as LLaVA's
   * vision_feature_layer). Default: the MLLM's feature layer, the last one whose tokens reach the projector.
   */
  layer?: number;
}

export interface GradcamResult {
  /** [gridH, gridW] row-major, normalised to [0, 1] (min–max). */
  map: Float32Array;
  /** The same map before normalisation. */
  raw: Float32Array;
  gridH: number;
  gridW: number;
  /** The sample's loss (SFT cross-entropy or DPO sigmoid loss). */
  loss: number;
}

/** One backward pass of the sample's loss; the map of the chosen method. */
export function gradcamForSample(model: Mllm, sample: GradcamSample, options: GradcamOptions): GradcamResult {
  const side = model.encoder.config.patchesPerSide;
  if (model.imageTokenCount !== side * side) {
    const [why, fix] = model.encoder.hasClassToken
      ? [`vision_feature_select_strategy "${model.config.selectStrategy}" keeps the class token beside the patches`, 'default']
      : [`vision_feature_select_strategy "${model.config.selectStrategy}" drops the first token and this tower has no class token, so a patch is lost`, 'full'];
    throw new PivotError('UNSUPPORTED_MODEL',
      `Grad-CAM: the MLLM passes ${model.imageTokenCount} visual tokens to its LM, not its encoder's ${side}×${side} patch grid (${why}); ` +
        `a map needs exactly the patches: use a model whose vision_feature_select_strategy is "${fix}".`,
    );
  }
  const objective = sampleObjective(model, sample, options);
  try {
    const { raw, loss } = options.method === 'projector-l1' ? projectorGradcam(objective) : layerGradcam(model, objective, sample, options.layer);
    if (raw.length !== side * side) throw new Error(`Grad-CAM: ${raw.length} map values for a ${side}×${side} patch grid`);
    return { map: normaliseMap(raw), raw, gridH: side, gridW: side, loss };
  } finally {
    objective.dispose();
  }
}

/** The study's map: ∂loss/∂(visual tokens), L1 over channels. Every token is an input, so no variable is touched. */
function projectorGradcam(objective: SampleObjective): { raw: Float32Array; loss: number } {
  const { value, grad } = tf.valueAndGrad((t: tf.Tensor) => objective.lossOf(t as tf.Tensor3D))(objective.tokens);
  const raw = projectorL1Map(grad);
  const loss = value.dataSync()[0] as number;
  tf.dispose([value, grad]);
  return { raw, loss };
}

/**
 * Standard Grad-CAM on hidden_states[layer]: its activations A are computed once, then the rest of the pipeline
 * (the remaining blocks up to the feature layer → CLS dropped → projector → LM loss) is a function of A.
 * The score explained is −loss (the answer's likelihood, DPO's log σ(margin)), Grad-CAM's "class score", so
 * the ReLU keeps the regions that support the answer.
 */
function layerGradcam(model: Mllm, objective: SampleObjective, sample: GradcamSample, layer: number | undefined): { raw: Float32Array; loss: number } {
  const { encoder } = model;
  const blocks = encoder.config.num_hidden_layers;
  const featureIndex = hiddenStateIndex(model.config.featureLayer, blocks);
  const index = hiddenStateIndex(layer ?? model.config.featureLayer, blocks);
  if (index > featureIndex) {
    throw new PivotError(
      'INVALID_CONFIG',
      `Grad-CAM: layer ${layer} (hidden state ${index}) comes after the MLLM's feature layer (hidden state ${featureIndex}); ` +
        'its tokens never reach the LM, so their gradient is zero. Choose a layer up to the feature layer.',
    );
  }
  const size = model.config.imageSize;
  const activations = tf.tidy(() => {
    const states = encoder.forward(tf.tensor4d(sample.pixels, [1, 3, size, size]), { outputHiddenStates: true }).hiddenStates as tf.Tensor3D[];
    return tf.clone(states[index] as tf.Tensor3D);
  });
  const later = shiftedBlocks(encoder.params, index);
  const score = (a: tf.Tensor): tf.Scalar =>
    tf.tidy(() => {
      const states = runEncoder(a, later, encoder.config, featureIndex - index);
      let features = states[states.length - 1] as tf.Tensor3D;
      if (encoder.hasClassToken) {
        const [b, tokens, width] = features.shape;
        features = tf.slice(features, [0, 1, 0], [b, tokens - 1, width]);
      }
      return tf.neg(objective.lossOf(model.projector.forward(features) as tf.Tensor3D));
    });
  const { value, grad } = tf.valueAndGrad(score)(activations);
  const raw = layerGradcamMap(activations, grad, encoder.hasClassToken);
  const loss = -(value.dataSync()[0] as number);
  tf.dispose([value, grad, activations]);
  return { raw, loss };
}

/**
 * The encoder's parameters with block k read as block k + offset, so `runEncoder` (which always starts at block 0)
 * runs blocks offset, offset + 1, … on a hidden state taken from the middle of the tower.
 */
function shiftedBlocks(params: ParameterSet, offset: number): ParameterSet {
  const rename = (name: string) => name.replace(/^encoder\.layers\.(\d+)\./, (_m, k: string) => `encoder.layers.${Number(k) + offset}.`);
  return {
    get: (name: string) => params.get(rename(name)),
    has: (name: string) => params.has(rename(name)),
    variablesUnder: (prefix: string) => params.variablesUnder(rename(prefix)),
  } as unknown as ParameterSet;
}
