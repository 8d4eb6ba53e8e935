// A model's weight read from its checkpoint into a float32 tensor, refused when any value is NaN or infinite:
// such a weight (a diverged run's save, a damaged file) would make every output NaN without a word.
import { PivotError } from '../../../src-shared/errors';
import * as tf from '../backend/tf';
import type { TensorSource } from '../io/safetensors';

/** The tensor `name` of `source` as float32; throws INVALID_DATA naming the file, the tensor and the first bad value. */
export function weightTensor(source: TensorSource, name: string): tf.Tensor {
  const decoded = source.read(name);
  const values = decoded.data as Float32Array;
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    const file = source.fileOf(name);
    throw new PivotError('INVALID_DATA',
      `${file}: tensor "${name}" holds ${values[bad]} at index ${bad}; a model's weights must be finite numbers. ` +
        'The checkpoint is damaged or comes from a run that diverged: save or download it again',
      { file, tensor: name },
    );
  }
  return tf.tensor(values, decoded.shape, 'float32');
}
