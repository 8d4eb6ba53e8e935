// Out of memory on the native backend is a typed error naming the sizes asked for and free — never a crash, and
// the backend keeps working after it.
import { describe, expect, it } from 'vitest';
import { PivotError } from '../../../../../src-shared/errors';
import { selectBackend } from '../../../../../src-main/engine/backend/select';
import * as tf from '../../../../../src-main/engine/backend/tf';

describe('out of memory on native', () => {
  it('throws OUT_OF_MEMORY with the sizes, and later tensors still work', async () => {
    await selectBackend('native');
    const before = tf.memory() as tf.MemoryInfo & { inUseBytes: number; freeBytes: number };
    // 2^40 float32 values = 4 TiB: more than any machine that runs this has free. (tf.fill asks the backend
    // directly; tf.zeros would first build a JavaScript array of that size.)
    const err = (() => {
      try {
        tf.fill([1024, 1024, 1024, 1024], 0);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(PivotError);
    const oom = err as PivotError;
    expect(oom.code).toBe('OUT_OF_MEMORY');
    expect(oom.message).toMatch(/^Out of memory on the CPU: asked for 4096\.00 GiB, [\d.]+ (GiB|MiB) free, .* held by tensors\. Use a smaller model, batch or image size\.$/);
    expect(oom.details).toMatchObject({ backend: 'native', device: 'CPU', requestedBytes: 2 ** 42 });
    expect((oom.details as { freeBytes: number }).freeBytes).toBeGreaterThan(0);
    // Nothing was held by the failed allocation, and the backend still computes.
    expect((tf.memory() as typeof before).inUseBytes).toBe(before.inUseBytes);
    const sum = tf.sum(tf.add(tf.tensor1d([1, 2, 3]), 1));
    expect(sum.arraySync()).toBe(9);
  });
});
