// What every GPU check shares: the backend under test against `cpu`, seeded inputs, the error measure and the
// result rows the final table prints. No vitest here: this code is bundled and runs under a bare Node.
import { selectBackend } from '../../src-main/engine/backend/select';
import * as tf from '../../src-main/engine/backend/tf';
import { seededRange } from '../seeded';

/** The backend checked: `cuda` on the GPU machine; PIVOT_GPU_CHECK_BACKEND=native runs the same logic on a CPU. */
export const TARGET = process.env.PIVOT_GPU_CHECK_BACKEND ?? 'cuda';

/** One row of the final table, with what it measured in `details` (written to gpu-check.json). */
export interface CheckResult {
  check: string;
  status: 'pass' | 'fail' | 'skip';
  numbers: string;
  details?: unknown;
}

/** `count` seeded values in [lo, hi) (test/seeded.ts): the same on every backend and every machine. */
export function seeded(count: number, seed: number, lo = -1, hi = 1): Float32Array {
  return seededRange(count, seed, lo, hi);
}

/** max |actual − expected| / max |expected|: the error at the scale of the values (0 when both are all zero). */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Number.POSITIVE_INFINITY;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs((actual[i] as number) - (expected[i] as number));
    // NaN on one side only is a failure; NaN on both (e.g. log of a negative) agrees.
    if (Number.isNaN(d) && !(Number.isNaN(actual[i] as number) && Number.isNaN(expected[i] as number))) return Number.POSITIVE_INFINITY;
    if (!Number.isNaN(d)) diff = Math.max(diff, d);
    if (Number.isFinite(expected[i] as number)) scale = Math.max(scale, Math.abs(expected[i] as number));
  }
  return diff === 0 ? 0 : diff / Math.max(scale, 1e-30);
}

/** A tensor read back as plain values with its shape, so nothing outlives a backend switch. */
export interface Plain {
  shape: number[];
  dtype: string;
  values: Float32Array | Int32Array | Uint8Array;
}

export function plain(t: tf.Tensor): Plain {
  return { shape: [...t.shape], dtype: t.dtype, values: t.dataSync() as Plain['values'] };
}

/** Makes `backend` the active one, then runs `fn`. */
export async function on<T>(backend: string, fn: () => T | Promise<T>): Promise<T> {
  await selectBackend(backend);
  return fn();
}

export const fmt = (x: number): string => (x === 0 ? '0' : Number.isFinite(x) ? x.toExponential(1) : String(x));
export const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

/** The message of anything thrown. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
