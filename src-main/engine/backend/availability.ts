// Which tfjs backends can run here, and why or why not: each probe reports cleanly instead of throwing, so
// the UI and CLI can show the whole list. A probe that succeeds leaves its backend registered with tfjs.
import { createRequire } from 'node:module';
import './cpu/register_all';
import { nativeAddon } from './native/register_all';
import * as tf from './tf';
import { activateWasm, wasmBinaryMissing } from './wasm/activate';

/** The backends, best first. */
export const BACKEND_NAMES = ['cuda', 'native', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** One backend's standing on this machine. */
export interface BackendStatus {
  name: BackendName;
  available: boolean;
  /** Why it is usable (what it runs on) or why not (and what would fix it). */
  reason: string;
  /** native: the CPU threads it runs on. */
  threads?: number;
}

// Not named `require`: a bundle declares its own (electron-vite's CommonJS shim), and the two would collide.
const packageRequire = createRequire(import.meta.url);

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The CPU device of the native addon: needs the addon and a BLAS. */
function probeNative(): BackendStatus {
  const loaded = nativeAddon();
  if ('error' in loaded) return { name: 'native', available: false, reason: loaded.error };
  const cpu = loaded.addon.devices().cpu;
  if (!cpu.available) return { name: 'native', available: false, reason: cpu.reason };
  const threads = `${cpu.threads} thread${cpu.threads === 1 ? '' : 's'}`;
  return { name: 'native', available: true, reason: `native addon on the CPU, ${threads}, ${cpu.blas}`, threads: cpu.threads };
}

/** The CUDA device of the same addon: needs a build with nvcc, an NVIDIA driver and GPU, and cuBLAS. */
function probeCuda(): BackendStatus {
  const loaded = nativeAddon();
  if ('error' in loaded) return { name: 'cuda', available: false, reason: loaded.error };
  const cuda = loaded.addon.devices().cuda;
  if (!cuda.available) return { name: 'cuda', available: false, reason: cuda.reason };
  return { name: 'cuda', available: true, reason: `native addon on ${cuda.description}${cuda.tf32 ? ', TF32 on' : ''}` };
}

// tfjs-node is optional and heavy (it loads libtensorflow): look it up once per process.
let tensorflowStatus: Promise<BackendStatus> | undefined;

async function probeTensorflow(): Promise<BackendStatus> {
  const unavailable = (reason: string): BackendStatus => ({ name: 'tensorflow', available: false, reason });
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      packageRequire.resolve(pkg);
    } catch {
      continue;
    }
    try {
      await import(/* @vite-ignore */ pkg);
    } catch (err) {
      return unavailable(`${pkg} is installed but failed to load: ${errorMessage(err)}`);
    }
    if (tf.findBackendFactory('tensorflow') === null) {
      return unavailable(
        `${pkg} loaded but registered no 'tensorflow' backend with this tfjs-core (it needs ${tf.version_core})`,
      );
    }
    return { name: 'tensorflow', available: true, reason: `${pkg} (libtensorflow)` };
  }
  return unavailable(
    '@tensorflow/tfjs-node is not installed (optional: install it yourself; its install downloads libtensorflow)',
  );
}

/** Initialises wasm to prove it works, then gives the active backend back to whichever was active before. */
async function probeWasm(): Promise<BackendStatus> {
  const missing = wasmBinaryMissing();
  if (missing !== null) return { name: 'wasm', available: false, reason: missing };
  const previous = tf.engine().backendName;
  try {
    await activateWasm();
  } catch (err) {
    return { name: 'wasm', available: false, reason: errorMessage(err) };
  }
  if (previous && previous !== 'wasm') await tf.setBackend(previous);
  return { name: 'wasm', available: true, reason: 'WebAssembly with XNNPACK and SIMD, one thread (embedded)' };
}

/** Every backend with whether it can run here and why, best first. */
export async function listBackends(): Promise<BackendStatus[]> {
  tensorflowStatus ??= probeTensorflow();
  return [
    probeCuda(),
    probeNative(),
    await tensorflowStatus,
    await probeWasm(),
    { name: 'cpu', available: true, reason: 'plain JavaScript, the slow reference' },
  ];
}
