import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
const req = createRequire(import.meta.url);
const dir = dirname(req.resolve('@tensorflow/tfjs-backend-wasm')) + '/';
setWasmPaths(dir);
console.log(await tf.setBackend('wasm'), tf.getBackend(), await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
function bench(name: string, f: () => tf.Tensor, flops: number) {
  for (let i = 0; i < 2; i++) f().dispose();
  const n = 5; const t = performance.now();
  for (let i = 0; i < n; i++) { const r = f(); r.dataSync(); r.dispose(); }
  const ms = (performance.now() - t) / n;
  console.log(name, ms.toFixed(2), 'ms', (flops / ms / 1e6).toFixed(2), 'GFLOP/s');
}
for (const be of ['wasm', 'cpu']) {
  await tf.setBackend(be);
  const [M, K, N] = [2048, 256, 688];
  const a = tf.randomNormal([M, K]); const b = tf.randomNormal([K, N]);
  const aT = tf.transpose(a); const bT = tf.transpose(b);
  const a3 = tf.randomNormal([8, M/8, K]);
  const b3 = tf.randomNormal([8, K, N]);
  const f = 2 * M * K * N;
  console.log(be);
  bench('plain', () => tf.matMul(a, b), f);
  bench('transA', () => tf.matMul(aT, b, true, false), f);
  bench('transB', () => tf.matMul(a, bT, false, true), f);
  bench('explicit transB', () => tf.tidy(() => tf.matMul(a, tf.transpose(bT))), f);
  bench('batched3x2', () => tf.matMul(a3, b), f);
  bench('batched3x2 reshape', () => tf.tidy(() => tf.reshape(tf.matMul(tf.reshape(a3,[M, K]), b), [8, M/8, N])), f);
  bench('batched3x3', () => tf.matMul(a3, b3), f);
  bench('batched3x3 split', () => tf.tidy(() => tf.stack(tf.unstack(a3).map((x, i) => tf.matMul(x, tf.reshape(tf.slice(b3, [i,0,0],[1,K,N]),[K,N]))))), f);
  const q = tf.randomNormal([32, 64, 32]); const k = tf.randomNormal([32, 64, 32]);
  bench('attn qk^T [32,64,32]', () => tf.matMul(q, k, false, true), 2*32*64*64*32);
  bench('attn qk^T split', () => tf.tidy(() => { const kt = tf.transpose(k, [0,2,1]); return tf.stack(tf.unstack(q).map((x, i) => tf.matMul(x, tf.reshape(tf.slice(kt, [i,0,0],[1,32,64]),[32,64])))); }), 2*32*64*64*32);
}
