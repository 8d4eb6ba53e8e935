import * as tf from '../src-main/engine/backend/tf';
import { selectBackend } from '../src-main/engine/backend/select';
for (const be of ['cpu', 'wasm']) {
  await selectBackend(be);
  const a = tf.randomUniform([2, 1, 3, 4], -1, 1, 'float32', 1); const b = tf.randomUniform([1, 3, 4, 5], -1, 1, 'float32', 2);
  const direct = tf.matMul(a, b);
  const ref = tf.matMul(tf.broadcastTo(a, [2, 3, 3, 4]), tf.broadcastTo(b, [2, 3, 4, 5]));
  console.log(be, direct.shape, tf.max(tf.abs(tf.sub(direct, ref))).dataSync()[0]);
}
