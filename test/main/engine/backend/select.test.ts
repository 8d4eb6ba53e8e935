// Backend selection: what is reported for each backend and why, the fallback past an absent cuda addon,
// an explicit choice, and the errors for an unknown or unavailable name.

import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PivotError } from '../../../../src-shared/errors';
import { listBackends, selectBackend } from '../../../../src-main/engine/backend/select';
import * as tf from '../../../../src-main/engine/backend/tf';

const CUDA_NOT_BUILT =
  'the native addon src-main/native/cuda is not built (npm run build:cuda, needs nvcc and an NVIDIA GPU)';

afterEach(() => {
  delete process.env.PIVOT_CUDA_ADDON;
});

describe('listBackends', () => {
  it('reports every backend, best first, with the reason for each', async () => {
    const backends = await listBackends();
    expect(backends.map((b) => b.name)).toEqual(['cuda', 'tensorflow', 'wasm', 'cpu']);
    expect(backends[0]).toEqual({ name: 'cuda', available: false, reason: CUDA_NOT_BUILT });
    expect(backends[1].available).toBe(false);
    expect(backends[1].reason).toMatch(/^@tensorflow\/tfjs-node is not installed/);
    expect(backends[2]).toMatchObject({ name: 'wasm', available: true });
    expect(backends[3]).toMatchObject({ name: 'cpu', available: true });
  });

  it('reports a PIVOT_CUDA_ADDON path that does not exist', async () => {
    const missing = join(tmpdir(), 'no-such-addon.node');
    process.env.PIVOT_CUDA_ADDON = missing;
    const [cuda] = await listBackends();
    const reason = `the native addon ${missing} named by PIVOT_CUDA_ADDON does not exist`;
    expect(cuda).toEqual({ name: 'cuda', available: false, reason });
  });

  it('reports a cuda addon that fails to load, without throwing', async () => {
    const broken = join(tmpdir(), `pivot-broken-${process.pid}.node`);
    writeFileSync(broken, 'not a shared library');
    process.env.PIVOT_CUDA_ADDON = broken;
    const [cuda] = await listBackends();
    expect(cuda.available).toBe(false);
    expect(cuda.reason).toContain(`the native addon ${broken} failed to load: `);
  });

  it('reports a cuda addon that loads but registers no tfjs backend', async () => {
    // Any loadable N-API addon stands in for a built cuda addon whose TypeScript side is missing.
    const addon = createRequire(import.meta.url).resolve('better-sqlite3/build/Release/better_sqlite3.node');
    process.env.PIVOT_CUDA_ADDON = addon;
    const [cuda] = await listBackends();
    const reason = `the native addon ${addon} loads, but no 'cuda' backend is registered with tfjs`;
    expect(cuda).toEqual({ name: 'cuda', available: false, reason });
  });
});

describe('selectBackend', () => {
  it('falls back past the absent cuda addon to wasm, and says why', async () => {
    const selected = await selectBackend();
    expect(selected.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(selected.reason).toContain(`cuda: ${CUDA_NOT_BUILT}`);
    expect(tf.sum(tf.tensor1d([1, 2, 3])).arraySync()).toBe(6);
  });

  it('activates an explicitly named backend', async () => {
    expect((await selectBackend('cpu')).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect((await selectBackend('wasm')).name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('rejects an unknown name, naming the backends that are available', async () => {
    const err = await selectBackend('metal').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PivotError);
    expect((err as PivotError).code).toBe('INVALID_REQUEST');
    expect((err as PivotError).message).toBe(
      "Unknown backend 'metal': choose one of cuda, tensorflow, wasm, cpu (available here: wasm, cpu).",
    );
  });

  it('rejects an unavailable backend with its reason', async () => {
    await expect(selectBackend('cuda')).rejects.toThrow(
      `Backend 'cuda' is not available: ${CUDA_NOT_BUILT}. Available here: wasm, cpu.`,
    );
  });
});
