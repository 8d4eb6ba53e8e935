import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
const req = createRequire(import.meta.url);
setWasmPaths(dirname(req.resolve('@tensorflow/tfjs-backend-wasm')) + '/');
await tf.setBackend('wasm');
function bench(name: string, f: () => tf.Tensor, flops: number) {
  for (let i = 0; i < 2; i++) f().dispose();
  const n = 5; const t = performance.now();
  for (let i = 0; i < n; i++) { const r = f(); r.dataSync(); r.dispose(); }
  const ms = (performance.now() - t) / n;
  console.log(name.padEnd(40), ms.toFixed(2), 'ms', (flops / ms / 1e6).toFixed(2), 'GFLOP/s');
}
for (const [B, M, K, N] of [[8, 256, 256, 688], [32, 64, 32, 64], [32, 64, 64, 32], [8,128,64,128]]) {
  const a = tf.randomNormal([B, M, K]); const b = tf.randomNormal([B, K, N]); const bT = tf.transpose(b, [0, 2, 1]);
  const aT = tf.transpose(a, [0, 2, 1]);
  const f = 2 * B * M * K * N;
  console.log([B, M, K, N].join('x'));
  bench('batched NN', () => tf.matMul(a, b), f);
  bench('batched NT (b pre-transposed)', () => tf.matMul(a, bT, false, true), f);
  bench('batched NT incl transpose', () => tf.tidy(() => tf.matMul(a, tf.transpose(b, [0,2,1]), false, true)), f);
  bench('batched TN', () => tf.matMul(aT, b, true, false), f);
}
