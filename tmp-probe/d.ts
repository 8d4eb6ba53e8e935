import { register } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
register(new URL('./hook.mjs', import.meta.url));
await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
let t = performance.now();
await import('@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js');
console.log('chained ms', performance.now() - t);
console.log(tf.tensor([1,2]).square().sum().dataSync());
const a = tf.randomNormal([2,3,4]); const w = tf.randomNormal([4,5]);
try { const g = tf.grads((a: tf.Tensor, w: tf.Tensor) => tf.sum(tf.matMul(a, w)))([a, w]); console.log(g.map(x => x.shape)); } catch (e) { console.log('ERR', (e as Error).message); }
try { const g = tf.grads((a: tf.Tensor, w: tf.Tensor) => tf.sum(tf.matMul(w.transpose(), a.transpose([0,2,1]))))([a, w]); console.log(g.map(x => x.shape)); } catch (e) { console.log('ERR', (e as Error).message); }
