// Native memory is held exactly as long as tensors need it: a tidy() of many ops (their kernels' own
// intermediates included) gives every byte back, reshape/identity/expandDims share a buffer instead of
// allocating, and dispose frees at once — read from the addon's own counters, not tfjs's bookkeeping.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../../src-main/engine/backend/select';
import * as tf from '../../../../../src-main/engine/backend/tf';
import { seeded, seededTensor } from '../helpers';

interface NativeMemory {
  numBytesInNative: number;
  buffers: number;
}

function native(): NativeMemory {
  const m = tf.memory() as tf.MemoryInfo & Partial<NativeMemory>;
  if (m.numBytesInNative === undefined || m.buffers === undefined) throw new Error(`not the native backend: ${tf.getBackend()}`);
  return { numBytesInNative: m.numBytesInNative, buffers: m.buffers };
}

beforeAll(() => selectBackend('native'));
afterAll(() => selectBackend('cpu'));

describe('native memory', () => {
  it('returns to where it was after a tidy() of many ops, gradients and kernel intermediates included', () => {
    const x = seededTensor([4, 6, 10], 1);
    const before = native();
    const numTensors = tf.memory().numTensors;
    tf.tidy(() => {
      const w = seededTensor([10, 10], 2);
      const loss = (a: tf.Tensor) => {
        const h = tf.matMul(tf.reshape(a, [24, 10]), w);
        const s = tf.softmax(tf.reshape(tf.tanh(h), [4, 6, 10]));
        // Reductions over axes apart (a transpose inside the kernel), gather with batch dims (index arithmetic
        // inside), concat, pad and tile: each makes and frees its own temporaries.
        const parts = [
          tf.sum(s, [0, 2]),
          tf.max(tf.transpose(s, [2, 0, 1]), [0, 2]),
          tf.reshape(tf.gather(s, tf.tensor2d([[0, 5], [1, 1], [2, 4], [3, 0]], [4, 2], 'int32'), 1, 1), [-1]),
          tf.reshape(tf.pad(tf.tile(s, [1, 2, 1]), [[0, 1], [1, 0], [2, 2]], 0.5), [-1]),
        ];
        return tf.sum(tf.concat(parts.map((p) => tf.reshape(p, [-1])), 0));
      };
      const [g] = tf.grads(loss)([x]);
      // No gradient in tfjs: forward only.
      tf.stridedSlice(g, [0, 0, 9], [4, 6, 0], [1, 2, -3]);
      tf.oneHot(tf.argMax(g, -1), 10);
      expect(native().numBytesInNative).toBeGreaterThan(before.numBytesInNative);
      return g;
    }).dispose();
    expect(tf.memory().numTensors).toBe(numTensors);
    expect(native()).toEqual(before);
    x.dispose();
  });

  it('reshape, identity and expandDims share the buffer; the data goes when the last view does', () => {
    const x = seededTensor([6, 5], 3);
    const last = seeded(30, 3)[29];
    const before = native();
    const x3 = tf.reshape(x, [6, 1, 5]);
    // Moving only a size-1 axis keeps the order of the data: a transpose that shares too.
    const views = [tf.reshape(x, [30]), tf.clone(x), tf.expandDims(x, 1), x3, tf.transpose(x3, [1, 0, 2])];
    expect(native()).toEqual(before);
    x.dispose();
    // The views still read the data after the tensor they came from is gone.
    expect(views[0].dataSync()[29]).toBe(last);
    expect(native()).toEqual(before);
    tf.dispose(views);
    expect(native().buffers).toBe(before.buffers - 1);
    expect(native().numBytesInNative).toBe(before.numBytesInNative - 6 * 5 * 4);
  });

  it('dispose frees at once', () => {
    const before = native();
    const t = tf.zeros([1000, 1000]);
    const b = tf.ones([7], 'bool');
    expect(native().numBytesInNative).toBe(before.numBytesInNative + 4_000_000 + 7);
    expect(native().buffers).toBe(before.buffers + 2);
    t.dispose();
    b.dispose();
    expect(native()).toEqual(before);
  });
});
