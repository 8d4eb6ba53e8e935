// Backend selection: what is reported for each backend and why, cuda first on a machine with a GPU and native first
// when its addon is built, the fallback to wasm when the addon is missing or broken, an explicit choice, and the
// errors for an unknown or unavailable name. Holds with and without a GPU: cuda is asserted as the addon finds it.

import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PivotError } from '../../../../src-shared/errors';
import { listBackends, selectBackend } from '../../../../src-main/engine/backend/select';
import * as tf from '../../../../src-main/engine/backend/tf';
import { availableHere, cudaHere } from './cuda-here';

afterEach(() => {
  delete process.env.PIVOT_NATIVE_ADDON;
});

describe('listBackends', () => {
  it('reports every backend, best first, with the reason for each', async () => {
    const backends = await listBackends();
    expect(backends.map((b) => b.name)).toEqual(['cuda', 'native', 'tensorflow', 'wasm', 'cpu']);
    const cuda = cudaHere();
    expect(backends[0]).toEqual(cuda);
    // Without a GPU (or an addon built without nvcc) the reason says which; with one, the device.
    expect(cuda.reason).toMatch(cuda.available ? /^native addon on \S.+/ : /^(no usable NVIDIA driver \(|this build of the addon has no CUDA device)/);
    expect(backends[1]).toMatchObject({ name: 'native', available: true });
    expect(backends[1].reason).toMatch(/^native addon on the CPU, \d+ threads, libopenblas\.so\.0$/);
    expect(backends[2].available).toBe(false);
    expect(backends[2].reason).toMatch(/^@tensorflow\/tfjs-node is not installed/);
    expect(backends[3]).toMatchObject({ name: 'wasm', available: true });
    expect(backends[4]).toMatchObject({ name: 'cpu', available: true });
  });

  it('reports a PIVOT_NATIVE_ADDON path that does not exist, for both of its backends', async () => {
    const missing = join(tmpdir(), 'no-such-addon.node');
    process.env.PIVOT_NATIVE_ADDON = missing;
    const [cuda, native] = await listBackends();
    const reason = `the native addon ${missing} named by PIVOT_NATIVE_ADDON does not exist`;
    expect(cuda).toEqual({ name: 'cuda', available: false, reason });
    expect(native).toEqual({ name: 'native', available: false, reason });
  });

  it('reports an addon that fails to load, without throwing', async () => {
    const broken = join(tmpdir(), `pivot-broken-${process.pid}.node`);
    writeFileSync(broken, 'not a shared library');
    process.env.PIVOT_NATIVE_ADDON = broken;
    const [, native] = await listBackends();
    expect(native.available).toBe(false);
    expect(native.reason).toContain(`the native addon ${broken} failed to load: `);
  });
});

describe('selectBackend', () => {
  it('picks the best available here (cuda with a GPU, else native, saying why cuda was passed over)', async () => {
    const cuda = cudaHere();
    const selected = await selectBackend();
    expect(selected.name).toBe(cuda.available ? 'cuda' : 'native');
    expect(tf.getBackend()).toBe(selected.name);
    expect(selected.reason).toEqual(cuda.available ? `best available: ${cuda.reason}` : expect.stringContaining(`(passed over cuda: ${cuda.reason})`));
    expect(tf.sum(tf.tensor1d([1, 2, 3])).arraySync()).toBe(6);
  });

  it('falls back to wasm when the addon cannot load, and says why', async () => {
    process.env.PIVOT_NATIVE_ADDON = join(tmpdir(), 'no-such-addon.node');
    const selected = await selectBackend();
    expect(selected.name).toBe('wasm');
    expect(selected.reason).toContain('native: the native addon');
  });

  it('activates an explicitly named backend', async () => {
    expect((await selectBackend('cpu')).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect((await selectBackend('wasm')).name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect((await selectBackend('native')).name).toBe('native');
    expect(tf.getBackend()).toBe('native');
  });

  it('rejects an unknown name, naming the backends that are available', async () => {
    const err = await selectBackend('metal').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PivotError);
    expect((err as PivotError).code).toBe('INVALID_REQUEST');
    expect((err as PivotError).message).toBe(
      `Unknown backend 'metal': choose one of cuda, native, tensorflow, wasm, cpu (available here: ${availableHere()}).`,
    );
  });

  it('rejects an unavailable backend with its reason', async () => {
    const tensorflow = (await listBackends())[2]!;
    await expect(selectBackend('tensorflow')).rejects.toThrow(`Backend 'tensorflow' is not available: ${tensorflow.reason}. Available here: ${availableHere()}.`);
    const cuda = cudaHere();
    if (!cuda.available) await expect(selectBackend('cuda')).rejects.toThrow(`Backend 'cuda' is not available: ${cuda.reason}. Available here: native, wasm, cpu.`);
  });
});
