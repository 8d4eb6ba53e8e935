// The throw-away linear head of a `labels` stage: mean-pooled patch tokens of the MLLM's feature layer → one logit
// per colour-shape class. It belongs to the trainer, not the model: a checkpoint keeps it in its own file beside the
// optimizer state (so the stage resumes exactly), the MLLM folders and the exported encoder never see it.
//
// Why the feature layer and not the last block: it is the layer the projector reads and the probes measure, and the
// blocks after it get no gradient in any stage (Mllm.namedVariables), so pretraining the last block would train
// weights the MLLM never uses.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PivotError } from '../../../src-shared/errors';
import * as tf from '../backend/tf';
import { SafetensorsFile, type TensorToWrite } from '../io/safetensors';
import type { Mllm } from '../models/mllm/model';

export const LABEL_HEAD_FILE = 'label_head.safetensors';
const WEIGHT = 'label_head/weight';
const BIAS = 'label_head/bias';

export class LabelHead {
  private constructor(
    /** [encoder width, classes], the layout `linear` multiplies by. */
    readonly weight: tf.Variable,
    readonly bias: tf.Variable,
  ) {}

  /** A fresh head: weights normal(0, 0.02) from `seed` (as the models' own initialisation), biases zero. */
  static create(width: number, classes: number, seed: number): LabelHead {
    return new LabelHead(
      tf.variable(tf.randomNormal([width, classes], 0, 0.02, 'float32', seed), true),
      tf.variable(tf.zeros([classes]), true),
    );
  }

  /** The head a training checkpoint saved; an error names the file when it is missing or does not fit. */
  static load(checkpoint: string, width: number, classes: number): LabelHead {
    const path = join(checkpoint, LABEL_HEAD_FILE);
    if (!existsSync(path)) {
      throw new PivotError('CHECKPOINT_INCOMPATIBLE', `${checkpoint}: the labels stage's head (${LABEL_HEAD_FILE}) is missing, so the stage cannot resume; start the run in a new folder.`, { file: path });
    }
    const file = SafetensorsFile.open(path);
    const read = (name: string, shape: number[]): tf.Tensor => {
      if (!file.has(name)) throw new PivotError('CHECKPOINT_INCOMPATIBLE', `${path}: tensor "${name}" is missing`, { file: path, tensor: name });
      const decoded = file.read(name);
      if (!tf.util.arraysEqual(decoded.shape, shape)) {
        throw new PivotError('CHECKPOINT_INCOMPATIBLE', `${path}: "${name}" has shape [${decoded.shape}], expected [${shape}]`, { file: path, tensor: name, expected: shape, got: decoded.shape });
      }
      return tf.tensor(decoded.data as Float32Array, shape, 'float32');
    };
    return new LabelHead(tf.variable(read(WEIGHT, [width, classes]), true), tf.variable(read(BIAS, [classes]), true));
  }

  /** [stable name, variable], the optimizer's group for the head. */
  get namedVariables(): [string, tf.Variable][] {
    return [[WEIGHT, this.weight], [BIAS, this.bias]];
  }

  /** Logits [images, classes] of pixels [images, 3, size, size]: the feature layer's patch tokens, averaged. */
  logits(model: Mllm, pixels: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      const tokens = model.encoder.featuresFromLayer(pixels, model.config.featureLayer);
      return tf.add(tf.matMul(tf.mean(tokens, 1) as tf.Tensor2D, this.weight), this.bias) as tf.Tensor2D;
    });
  }

  /** The head's tensors for its checkpoint file. */
  async tensors(): Promise<Record<string, TensorToWrite>> {
    const entry = async (v: tf.Variable): Promise<TensorToWrite> => ({ dtype: 'F32', shape: v.shape, data: ((await v.data()) as Float32Array).slice() });
    return { [WEIGHT]: await entry(this.weight), [BIAS]: await entry(this.bias) };
  }

  dispose(): void {
    tf.dispose([this.weight, this.bias]);
  }
}
