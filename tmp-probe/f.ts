import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths, BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
const req = createRequire(import.meta.url);
setWasmPaths(dirname(req.resolve('@tensorflow/tfjs-backend-wasm')) + '/');
await tf.setBackend('wasm');
const stock = tf.getKernel('BatchMatMul', 'wasm')!;
const be = tf.backend() as BackendWasm;
function perBatch(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const [B, M, K] = a.shape; const N = b.shape[2];
  const out = be.makeOutput([B, M, N], 'float32');
  const aOff = be.getMemoryOffset(a.dataId), bOff = be.getMemoryOffset(b.dataId), oOff = be.getMemoryOffset(out.dataId);
  for (let i = 0; i < B; i++) {
    const ai = be.makeOutput([M, K], 'float32', aOff + i * M * K * 4);
    const bi = be.makeOutput([K, N], 'float32', bOff + i * K * N * 4);
    const r = stock.kernelFunc({ inputs: { a: ai, b: bi }, backend: be, attrs: { transposeA: false, transposeB: false } }) as tf.TensorInfo;
    const rOff = be.getMemoryOffset(r.dataId);
    (be.wasm as any).HEAPU8.copyWithin(oOff + i * M * N * 4, rOff, rOff + M * N * 4);
    be.disposeData(r.dataId);
    for (const t of [ai, bi]) { (be.wasm as any).tfjs.disposeData(be.dataIdMap.get(t.dataId)!.id); be.dataIdMap.delete(t.dataId); }
  }
  return tf.engine().makeTensorFromTensorInfo(out);
}
function bench(name: string, f: () => tf.Tensor, flops: number) {
  for (let i = 0; i < 2; i++) f().dispose();
  const n = 5; const t = performance.now();
  for (let i = 0; i < n; i++) { const r = f(); r.dataSync(); r.dispose(); }
  const ms = (performance.now() - t) / n;
  console.log(name.padEnd(30), ms.toFixed(2), 'ms', (flops / ms / 1e6).toFixed(2), 'GFLOP/s');
}
for (const [B, M, K, N] of [[8, 256, 256, 688], [32, 64, 32, 64], [32, 64, 64, 32], [8,128,64,128], [64, 96, 32, 96]]) {
  const a = tf.randomNormal([B, M, K]); const b = tf.randomNormal([B, K, N]);
  const f = 2 * B * M * K * N;
  console.log([B, M, K, N].join('x'), 'maxdiff', tf.max(tf.abs(tf.sub(perBatch(a, b), tf.matMul(a, b)))).dataSync()[0]);
  bench('batched NN stock', () => tf.matMul(a, b), f);
  bench('per-batch xnnpack', () => perBatch(a, b), f);
}
