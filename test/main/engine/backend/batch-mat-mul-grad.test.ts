// Our BatchMatMul gradient (explicit transposes, plain matmuls, broadcast batches summed) and our wasm
// BatchMatMul kernel, over every transposeA/transposeB and batch layout, against tfjs's own gradient on cpu.

import { batchMatMulGradConfig as stockGradient } from '@tensorflow/tfjs-core/dist/gradients/BatchMatMul_grad.js';
import { describe, expect, it } from 'vitest';
import { registerCpuKernels } from '../../../../src-main/engine/backend/cpu/register_all';
import { batchMatMulGradConfig } from '../../../../src-main/engine/backend/gradients/BatchMatMul_grad';
import * as tf from '../../../../src-main/engine/backend/tf';
import { registerWasmKernels } from '../../../../src-main/engine/backend/wasm/register_all';
import { expectClose, on, PARITY_BACKENDS, seededTensor } from './helpers';

/** Shapes of op(a) [..., M, K] and op(b) [..., K, N]: the operands as multiplied, before any transpose flag. */
const layouts: { name: string; a: number[]; b: number[] }[] = [
  { name: 'two matrices', a: [3, 4], b: [4, 5] },
  { name: 'same batch', a: [2, 3, 4], b: [2, 4, 5] },
  { name: 'activations @ weights ([B, T, C] @ [C, D])', a: [2, 3, 4], b: [4, 5] },
  { name: 'weights @ batch', a: [3, 4], b: [2, 4, 5] },
  { name: 'batch of one on the right', a: [3, 3, 4], b: [1, 4, 5] },
  { name: 'batch of one on the left', a: [1, 3, 4], b: [2, 4, 5] },
  { name: 'batches that broadcast each other', a: [2, 1, 3, 4], b: [1, 3, 4, 5] },
  { name: 'rank-4 attention-like batch', a: [2, 2, 3, 4], b: [2, 2, 4, 5] },
];

function swapLastTwo(shape: number[]): number[] {
  return [...shape.slice(0, -2), shape[shape.length - 1], shape[shape.length - 2]];
}

interface Result {
  value: number[];
  da: number[];
  db: number[];
  daShape: number[];
  dbShape: number[];
}

/**
 * The product weighted by a fixed random tensor (so dy is not all ones), and its gradients. With `broadcast`
 * the operands are first broadcast to the output's batch, which tfjs's gradient needs; broadcastTo's own
 * gradient then sums back over the batch, independently of the code under test.
 */
function product(
  layout: (typeof layouts)[number],
  transposeA: boolean,
  transposeB: boolean,
  broadcast: boolean,
): Result {
  const aShape = transposeA ? swapLastTwo(layout.a) : layout.a;
  const bShape = transposeB ? swapLastTwo(layout.b) : layout.b;
  const batch = tf.broadcast_util.assertAndGetBroadcastShape(layout.a.slice(0, -2), layout.b.slice(0, -2));
  const outShape = [...batch, layout.a[layout.a.length - 2], layout.b[layout.b.length - 1]];
  const a = seededTensor(aShape, 1);
  const b = seededTensor(bShape, 2);
  const weights = seededTensor(outShape, 3);
  const f = (x: tf.Tensor, y: tf.Tensor): tf.Tensor => {
    const xFull = broadcast ? tf.broadcastTo(x, [...batch, ...aShape.slice(-2)]) : x;
    const yFull = broadcast ? tf.broadcastTo(y, [...batch, ...bShape.slice(-2)]) : y;
    return tf.sum(tf.mul(tf.matMul(xFull, yFull, transposeA, transposeB), weights));
  };
  const { value, grads } = tf.valueAndGrads(f)([a, b]);
  return {
    value: Array.from(tf.matMul(a, b, transposeA, transposeB).dataSync()).concat(value.arraySync() as number),
    da: Array.from(grads[0].dataSync()),
    db: Array.from(grads[1].dataSync()),
    daShape: grads[0].shape,
    dbShape: grads[1].shape,
  };
}

/** tfjs's stock gradient for BatchMatMul, registered only while `fn` runs. */
function withStockGradient<T>(fn: () => T): T {
  tf.registerGradient(stockGradient);
  try {
    return fn();
  } finally {
    tf.registerGradient(batchMatMulGradConfig);
  }
}

describe('BatchMatMul gradient and wasm kernel', () => {
  it('is the gradient tf.ts registered', () => {
    expect(tf.getGradient(tf.BatchMatMul)).toBe(batchMatMulGradConfig);
  });

  for (const layout of layouts) {
    for (const [transposeA, transposeB] of [[false, false], [false, true], [true, false], [true, true]]) {
      const name = `${layout.name}, transposeA=${transposeA}, transposeB=${transposeB}`;
      it(`${name}: matches tfjs's gradient on cpu`, async () => {
        const reference = await on('cpu', () => withStockGradient(() => product(layout, transposeA, transposeB, true)));
        for (const backend of PARITY_BACKENDS) {
          const ours = await on(backend, () => product(layout, transposeA, transposeB, false));
          expect(ours.daShape, `${backend}: da shape`).toEqual(transposeA ? swapLastTwo(layout.a) : layout.a);
          expect(ours.dbShape, `${backend}: db shape`).toEqual(transposeB ? swapLastTwo(layout.b) : layout.b);
          expectClose(ours.value, reference.value, 1e-5, `${backend}: product`);
          expectClose(ours.da, reference.da, 1e-5, `${backend}: da`);
          expectClose(ours.db, reference.db, 1e-5, `${backend}: db`);
        }
      });
    }
  }

  it('stays registered once: registering again does not wrap our kernels in themselves', async () => {
    await on('wasm', () => undefined);
    const before = [tf.getKernel(tf.BatchMatMul, 'wasm'), tf.getKernel(tf.BatchMatMul, 'cpu')];
    registerWasmKernels();
    registerCpuKernels();
    expect([tf.getKernel(tf.BatchMatMul, 'wasm'), tf.getKernel(tf.BatchMatMul, 'cpu')]).toEqual(before);
    expect(tf.getKernel(tf.BatchMatMul, 'wasm')).toBe(before[0]);
  });

  it('leaves no tensor, and no alias into the wasm heap, behind', async () => {
    await on('wasm', () => product(layouts[7], true, true, false));
    const before = { tensors: tf.memory().numTensors, data: tf.engine().backend.numDataIds() };
    tf.tidy(() => {
      for (const layout of layouts) product(layout, true, true, false);
    });
    expect({ tensors: tf.memory().numTensors, data: tf.engine().backend.numDataIds() }).toEqual(before);
  });
});
