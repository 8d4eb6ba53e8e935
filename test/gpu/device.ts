// The device itself: whether the target backend can run here (and why not), TF32 on and off for a large product
// against `cpu` with its speed, and out of memory (a typed error with the sizes, and the backend working after it).
import { CPU_DEVICE, CUDA_DEVICE, type NativeAddon } from '../../src-main/engine/backend/native/addon';
import { nativeAddon } from '../../src-main/engine/backend/native/register_all';
import * as tf from '../../src-main/engine/backend/tf';
import { PivotError } from '../../src-shared/errors';
import { fmt, gib, messageOf, on, relativeError, seeded, TARGET, type CheckResult } from './compare';

const DEVICE = TARGET === 'cuda' ? CUDA_DEVICE : CPU_DEVICE;

export function addon(): NativeAddon {
  const loaded = nativeAddon();
  if ('error' in loaded) throw new Error(loaded.error);
  return loaded.addon;
}

/** TF32 for cuBLAS products (a no-op on the CPU device), checked to have switched. */
export function setTf32(on: boolean): void {
  const a = addon();
  // The GPU's first use sets TF32 from $PIVOT_TF32 (on unless "0"), over anything set before: let it happen first.
  a.devices();
  a.setTf32(on);
  if (TARGET === 'cuda' && a.devices().cuda.tf32 !== on) throw new Error(`TF32 did not switch ${on ? 'on' : 'off'}`);
}

/** The device's memory as the addon counts it: bytes held by tensors now and at the peak, and free on the device. */
export function deviceMemory() {
  return addon().memory(DEVICE);
}

export function resetPeak(): void {
  addon().resetPeak(DEVICE);
}

/** Whether the target can run here; every later check is pointless when it cannot. */
export function probe(): CheckResult[] {
  const loaded = nativeAddon();
  if ('error' in loaded) return [{ check: `${TARGET} backend`, status: 'fail', numbers: loaded.error }];
  const devices = loaded.addon.devices();
  const device = TARGET === 'cuda' ? devices.cuda : devices.cpu;
  const details = { builtWithCuda: loaded.addon.builtWithCuda, devices, node: process.version };
  if (!device.available) return [{ check: `${TARGET} backend`, status: 'fail', numbers: `unavailable: ${device.reason}`, details }];
  const m = loaded.addon.memory(DEVICE);
  const what = TARGET === 'cuda'
    ? `${devices.cuda.description}, TF32 ${devices.cuda.tf32 ? 'on' : 'off'} by default`
    : `CPU, ${devices.cpu.threads} threads, ${devices.cpu.blas}`;
  return [{ check: `${TARGET} backend`, status: 'pass', numbers: `${what}; ${gib(m.freeBytes)} free of ${gib(m.totalBytes)}`, details: { ...details, memory: m } }];
}

/** Seconds per call of `fn`, the device drained before and after: median of `repeats` after one warm-up. */
function timed(fn: () => tf.Tensor, repeats: number): number {
  const times: number[] = [];
  for (let r = 0; r <= repeats; r++) {
    addon().sync(DEVICE);
    const start = performance.now();
    const out = fn();
    addon().sync(DEVICE);
    if (r > 0) times.push((performance.now() - start) / 1000);
    out.dispose();
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)] as number;
}

/** A large square operand made on the device from a small seeded block (uploading 2^26 floats would dominate). */
function bigOperand(n: number, seed: number): tf.Tensor2D {
  return tf.tidy(() => tf.tile(tf.tensor2d(seeded(64 * n, seed), [64, n]), [n / 64, 1]) as tf.Tensor2D);
}

/**
 * A [512 × 4096] · [4096 × 512] product against cpu with TF32 off (float32 rounding: ≤ 1e-5 relative to the largest
 * entry) and on (10-bit mantissas: ≤ 2e-3, and on a GPU clearly above the float32 error, else TF32 never engaged);
 * then the speed of an 8192³ product (2048³ on the CPU) both ways.
 */
export async function tf32Check(): Promise<CheckResult[]> {
  const [m, k, n] = [512, 4096, 512];
  const a = seeded(m * k, 11);
  const b = seeded(k * n, 12);
  const product = (): Float32Array => {
    const c = tf.tidy(() => tf.matMul(tf.tensor2d(a, [m, k]), tf.tensor2d(b, [k, n])));
    const values = c.dataSync() as Float32Array;
    c.dispose();
    return values;
  };
  const reference = await on('cpu', product);
  const errors: Record<string, number> = {};
  const speed: Record<string, number> = {};
  const size = TARGET === 'cuda' ? 8192 : 2048;
  await on(TARGET, () => {
    for (const tf32 of [false, true]) {
      setTf32(tf32);
      errors[tf32 ? 'on' : 'off'] = relativeError(product(), reference);
      const [x, y] = [bigOperand(size, 21), bigOperand(size, 22)];
      speed[tf32 ? 'on' : 'off'] = (2 * size ** 3) / timed(() => tf.matMul(x, y), 5) / 1e12;
      tf.dispose([x, y]);
    }
    setTf32(true);
  });
  const off = errors.off as number;
  const onErr = errors.on as number;
  const engaged = TARGET !== 'cuda' || onErr > 10 * off;
  const ok = off <= 1e-5 && onErr <= 2e-3 && engaged;
  const numbers = `${m}×${k}×${n} vs cpu: off ${fmt(off)} (≤ 1e-5), on ${fmt(onErr)} (≤ 2e-3${TARGET === 'cuda' ? ', > 10× off' : ''}); ` +
    `${size}³: ${speed.off?.toFixed(1)} TFLOP/s off, ${speed.on?.toFixed(1)} TFLOP/s on${engaged ? '' : '; TF32 did not change the result: it never engaged'}`;
  return [{ check: 'TF32 on/off, big matmul', status: ok ? 'pass' : 'fail', numbers, details: { errors, tflops: speed, size } }];
}

/** What a failed allocation threw, or a note that it did not fail. */
function allocationError(bytes: number): { err?: PivotError; note?: string } {
  try {
    tf.fill([bytes / 4], 0, 'float32').dispose();
    return { note: `allocating ${gib(bytes)} did not fail` };
  } catch (e) {
    return e instanceof PivotError ? { err: e } : { note: `not an OUT_OF_MEMORY PivotError: ${messageOf(e)}` };
  }
}

/**
 * Out of memory: a request beyond the whole device, then the device filled block by block until it is full; each
 * must be OUT_OF_MEMORY naming the sizes, and afterwards nothing is held and a computation still gives the right
 * answer. Plain device allocations only (never managed memory).
 */
export async function oomCheck(): Promise<CheckResult[]> {
  return on(TARGET, () => {
    const notes: string[] = [];
    const before = deviceMemory();
    const tooBig = 2 ** Math.ceil(Math.log2(before.totalBytes * 1.5));
    const first = allocationError(tooBig);
    const sizesNamed = (e?: PivotError) => {
      const d = e?.details as { requestedBytes?: number; freeBytes?: number } | undefined;
      return e?.code === 'OUT_OF_MEMORY' && /^Out of memory on the (GPU|CPU): asked for /.test(e.message) && (d?.requestedBytes ?? 0) > 0 && (d?.freeBytes ?? -1) >= 0;
    };
    if (!sizesNamed(first.err)) notes.push(`beyond the device: ${first.note ?? first.err?.message}`);
    // Filling: only where the device is a GPU of its own (filling the CPU's memory would take the machine down).
    const blocks: tf.Tensor[] = [];
    let filled: PivotError | undefined;
    if (TARGET === 'cuda') {
      const block = 4 * 2 ** 30;
      try {
        while (blocks.length < 64) blocks.push(tf.fill([block / 4], 1, 'float32'));
      } catch (e) {
        if (e instanceof PivotError) filled = e;
        else notes.push(`filling: ${messageOf(e)}`);
      }
      if (!sizesNamed(filled)) notes.push(`filling the GPU: ${filled?.message ?? `${blocks.length} blocks of 4 GiB and no error`}`);
    }
    const fullAt = blocks.length * 4;
    tf.dispose(blocks);
    const after = deviceMemory();
    if (after.inUseBytes !== before.inUseBytes) notes.push(`held after: ${after.inUseBytes} bytes, before: ${before.inUseBytes}`);
    const sum = tf.tidy(() => tf.sum(tf.add(tf.tensor1d([1, 2, 3]), 1)).dataSync()[0]);
    if (sum !== 9) notes.push(`computing after the failures gave ${sum}, not 9`);
    const numbers = [
      `${gib(tooBig)}: ${first.err?.message ?? first.note}`,
      ...(TARGET === 'cuda' ? [`filled ${fullAt} GiB, then: ${filled?.message ?? 'no error'}`] : []),
      notes.length ? notes.join('; ') : 'nothing held after, computes after',
    ].join(' | ');
    return [{ check: 'out of memory', status: notes.length ? 'fail' : 'pass', numbers, details: { before, after, first: first.err?.details, filled: filled?.details, blocks: blocks.length } }];
  });
}
