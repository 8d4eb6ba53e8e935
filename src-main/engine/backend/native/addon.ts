// Loads the pivot_native addon (src-main/native) and says why when it cannot: not built (with the build's own
// reason from status.json), or built but failing to load. Loaded once per process.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Device numbers of the addon: the CPU and the (first) CUDA GPU. */
export const CPU_DEVICE = 0;
export const CUDA_DEVICE = 1;

export interface DeviceMemory {
  inUseBytes: number;
  peakBytes: number;
  buffers: number;
  freeBytes: number;
  totalBytes: number;
}

export interface AddonDevices {
  cpu: { available: boolean; reason: string; threads: number; blas: string };
  cuda: { available: boolean; reason: string; description: string; tf32: boolean };
}

/** The addon's functions (src-main/native/src/api/*.cc); buffers are numeric handles. */
export interface NativeAddon {
  builtWithCuda: boolean;
  alloc(device: number, bytes: number): number;
  free(handle: number): void;
  write(handle: number, values: ArrayBufferView): void;
  read(handle: number, into: ArrayBufferView): void;
  copy(dst: number, src: number): void;
  sync(device: number): void;
  memory(device: number): DeviceMemory;
  resetPeak(device: number): void;
  devices(): AddonDevices;
  setThreads(threads: number): void;
  setTf32(on: boolean): void;
  unary(op: number, dtype: number, x: number, y: number, n: number, p0: number, p1: number): void;
  binary(op: number, dtype: number, a: number, b: number, y: number, shape: number[], aStrides: number[], bStrides: number[]): void;
  select(dtype: number, cond: number, a: number, b: number, y: number, shape: number[], cStrides: number[], aStrides: number[], bStrides: number[]): void;
  cast(from: number, to: number, x: number, y: number, n: number): void;
  fill(dtype: number, y: number, n: number, value: number): void;
  range(dtype: number, y: number, n: number, start: number, step: number): void;
  stridedCopy(elemBytes: number, x: number, y: number, shape: number[], inStrides: number[], inOffset: number, outStrides: number[], outOffset: number): void;
  reduce(op: number, dtype: number, x: number, y: number, outer: number, r: number, inner: number): void;
  softmax(x: number, y: number, rows: number, cols: number): void;
  gather(elemBytes: number, x: number, indices: number, y: number, outer: number, axisDim: number, inner: number, nIndices: number): void;
  segmentSum(dtype: number, x: number, segmentIds: number, y: number, n: number, inner: number, segments: number): void;
  oneHot(indices: number, dtype: number, y: number, n: number, depth: number, on: number, off: number): void;
  gemm(a: number, b: number, c: number, transA: boolean, transB: boolean, m: number, n: number, k: number, lda: number, strideA: number, ldb: number, strideB: number, ldc: number, strideC: number, batch: number, alpha: number, beta: number): void;
  normForward(x: number, gamma: number, beta: number | null, y: number, rows: number, cols: number, eps: number): void;
  normBackward(x: number, gamma: number, dy: number, dx: number, dgamma: number, dbeta: number | null, rows: number, cols: number, eps: number): void;
  logSoftmaxGather(logits: number, labels: number, out: number, lse: number, rows: number, vocab: number): void;
  logSoftmaxGatherGrad(logits: number, labels: number, lse: number, dy: number, dlogits: number, rows: number, vocab: number): void;
  adamw(params: number[], grads: number[], m: number[], v: number[], sizes: number[], decays: number[], steps: number[], sqrtBias2: number[], beta1: number, beta2: number, eps: number): void;
  attentionForward(q: number, k: number, v: number, mask: number | null, out: number, lse: number, batch: number, heads: number, kvHeads: number, tq: number, tk: number, dim: number, causal: boolean, scale: number): void;
  attentionBackward(q: number, k: number, v: number, mask: number | null, out: number, lse: number, dout: number, dq: number, dk: number, dv: number, batch: number, heads: number, kvHeads: number, tq: number, tk: number, dim: number, causal: boolean, scale: number): void;
}

const buildDir = new URL('../../../native/build/', import.meta.url);

/** Where the addon is loaded from: $PIVOT_NATIVE_ADDON, else the build output in the source tree. */
export function nativeAddonPath(): string {
  return process.env.PIVOT_NATIVE_ADDON ?? fileURLToPath(new URL('Release/pivot_native.node', buildDir));
}

/** Why the build left no addon, from the build script's status.json, if it ran. */
function buildFailure(): string | null {
  const statusFile = fileURLToPath(new URL('status.json', buildDir));
  if (!existsSync(statusFile)) return null;
  try {
    const status = JSON.parse(readFileSync(statusFile, 'utf8')) as { ok?: boolean; reason?: string };
    return status.ok ? null : (status.reason ?? null);
  } catch {
    return null;
  }
}

// Per path, so that a changed $PIVOT_NATIVE_ADDON is looked at afresh (a loaded addon stays loaded).
const loaded = new Map<string, { addon: NativeAddon } | { error: string }>();

/** The addon, or why it is not there (what to do about it included). */
export function loadNativeAddon(): { addon: NativeAddon } | { error: string } {
  const path = nativeAddonPath();
  const known = loaded.get(path);
  if (known) return known;
  const result = loadFrom(path);
  loaded.set(path, result);
  return result;
}

function loadFrom(path: string): { addon: NativeAddon } | { error: string } {
  if (!existsSync(path)) {
    const why = buildFailure();
    return {
      error: why ?? (process.env.PIVOT_NATIVE_ADDON !== undefined
        ? `the native addon ${path} named by PIVOT_NATIVE_ADDON does not exist`
        : `the native addon is not built (${path}): run \`npm run build:native\` (needs cmake and a C++17 compiler)`),
    };
  }
  try {
    return { addon: createRequire(import.meta.url)(path) as NativeAddon };
  } catch (err) {
    return { error: `the native addon ${path} failed to load: ${err instanceof Error ? err.message : String(err)}` };
  }
}
