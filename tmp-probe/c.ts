import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
const req = createRequire(import.meta.url);
setWasmPaths(dirname(req.resolve('@tensorflow/tfjs-backend-wasm')) + '/');
async function run(be: string, f: () => tf.Tensor) { await tf.setBackend(be); return Array.from(f().dataSync()); }
const cases: [number[], number[]][] = [[[3,2,4],[4,5]], [[2,4],[3,4,5]], [[3,2,4],[1,4,5]], [[1,2,4],[3,4,5]]];
for (const [sa, sb] of cases) {
  const av = Array.from({length: sa.reduce((x,y)=>x*y)}, (_, i) => Math.sin(i));
  const bv = Array.from({length: sb.reduce((x,y)=>x*y)}, (_, i) => Math.cos(i));
  const f = () => tf.matMul(tf.tensor(av, sa), tf.tensor(bv, sb));
  const c = await run('cpu', f); const w = await run('wasm', f);
  console.log(sa, sb, Math.max(...c.map((x, i) => Math.abs(x - w[i]))), c.length, w.length);
}
// oneHot bug
await tf.setBackend('wasm');
console.log('oneHot sum', tf.sum(tf.oneHot(tf.tensor1d([1,0],'int32'), 3)).dataSync(), tf.oneHot(tf.tensor1d([1,0],'int32'), 3).dtype);
console.log('oneHot f32', tf.oneHot(tf.tensor1d([1,0],'int32'), 3, 1, 0, 'float32').dataSync());
