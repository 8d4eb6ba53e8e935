// Shared helpers for the backend tests: the backends compared, seeded data, and a norm-relative comparison.

import { expect } from 'vitest';
import { selectBackend } from '../../../../src-main/engine/backend/select';
import * as tf from '../../../../src-main/engine/backend/tf';
import { seeded } from '../../../seeded';

export { seeded };

/** The backends every parity test runs on; cpu is the reference. */
export const PARITY_BACKENDS = ['cpu', 'wasm'] as const;
export type ParityBackend = (typeof PARITY_BACKENDS)[number];

/** Runs `fn` with `backend` active and returns plain numbers, so nothing outlives the backend switch. */
export async function on<T>(backend: ParityBackend, fn: () => T): Promise<T> {
  await selectBackend(backend);
  return fn();
}

/** A seeded float32 tensor of `shape`. */
export function seededTensor(shape: number[], seed: number, scale = 1): tf.Tensor {
  return tf.tensor(seeded(tf.util.sizeFromShape(shape), seed, scale), shape);
}

/** max |actual − expected| relative to max |expected| (the scale of the values), at most `rel`. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel = 1e-4, what = 'values'): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  expect(diff / Math.max(scale, 1e-30), `${what}: max |diff| ${diff} against scale ${scale}`).toBeLessThanOrEqual(rel);
}
