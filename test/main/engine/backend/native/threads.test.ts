// The `threads` setting reaches the addon: selectBackend('native', { threads }) resizes its CPU pool (and OpenBLAS's),
// the backend's reason names the count, results do not depend on it, and a count out of range is refused by name.
import { afterAll, describe, expect, it } from 'vitest';
import { PivotError } from '../../../../../src-shared/errors';
import { loadNativeAddon, type NativeAddon } from '../../../../../src-main/engine/backend/native/addon';
import { selectBackend } from '../../../../../src-main/engine/backend/select';
import * as tf from '../../../../../src-main/engine/backend/tf';
import { expectClose, seeded } from '../helpers';

function addon(): NativeAddon {
  const loaded = loadNativeAddon();
  if (!('addon' in loaded)) throw new Error(`the native addon must be built for these tests: ${loaded.error}`);
  return loaded.addon;
}

const allCores = addon().devices().cpu.threads;
afterAll(() => selectBackend('native', { threads: allCores }));

/** Row sums of a product large enough for BLAS and the pool to split it between threads. */
function matmulSum(): Float32Array {
  return tf.tidy(() => {
    const a = tf.tensor2d(seeded(301 * 257, 1), [301, 257]);
    const b = tf.tensor2d(seeded(257 * 129, 2), [257, 129]);
    return tf.sum(tf.matMul(a, b), 1).dataSync() as Float32Array;
  });
}

describe('native backend threads', () => {
  it('runs on the number asked for, with the same results on 1 and 2 threads as on cpu', async () => {
    const one = await selectBackend('native', { threads: 1 });
    expect(addon().devices().cpu.threads).toBe(1);
    expect(one.reason).toMatch(/^requested: native addon on the CPU, 1 thread, /);
    const onOne = matmulSum();
    const two = await selectBackend('native', { threads: 2 });
    expect(addon().devices().cpu.threads).toBe(2);
    expect(two.reason).toMatch(/^requested: native addon on the CPU, 2 threads, /);
    const onTwo = matmulSum();
    expect(Array.from(onTwo)).toEqual(Array.from(onOne));
    await selectBackend('cpu');
    expectClose(onOne, matmulSum(), 1e-5, 'row sums against cpu');
  });

  it('keeps the count when a later selection names none', async () => {
    await selectBackend('native', { threads: 1 });
    await selectBackend('native');
    expect(addon().devices().cpu.threads).toBe(1);
  });

  it.each([0, 1025, 1.5, Number.NaN])('refuses threads = %s, naming the setting and its range', async (threads) => {
    const err = await selectBackend('native', { threads }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PivotError);
    expect((err as PivotError).code).toBe('INVALID_REQUEST');
    expect((err as PivotError).message).toBe(`threads must be an integer from 1 to 1024, got ${threads}.`);
  });
});
