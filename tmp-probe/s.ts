import * as tf from '../src-main/engine/backend/tf';
import { selectBackend, listBackends } from '../src-main/engine/backend/select';
console.log(await listBackends());
console.log(await selectBackend());
console.log(tf.getBackend(), tf.sum(tf.oneHot([1, 0], 3, 1, 0, 'float32')).dataSync(), tf.tensor([1,2]).square().dataSync());
const x = tf.randomNormal([4, 3, 5]); const w = tf.randomNormal([5, 6]);
const g = tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.matMul(x, w)))([x, w]);
console.log(g.map(t => t.shape));
const e = tf.variable(tf.randomNormal([10, 4]));
const idx = tf.tensor1d([1, 2, 2, 9], 'int32');
const ge = tf.grad((e: tf.Tensor) => tf.sum(tf.gather(e, idx)))(e);
console.log(ge.sum(1).dataSync());
try { await selectBackend('nope'); } catch (err) { console.log((err as Error).message); }
try { await selectBackend('cuda'); } catch (err) { console.log((err as Error).message); }
console.log(await selectBackend('cpu'), tf.getBackend());
