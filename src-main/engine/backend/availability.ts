// Which tfjs backends can run here, and why or why not: each probe reports cleanly instead of throwing, so
// the UI and CLI can show the whole list. A probe that succeeds leaves its backend registered with tfjs.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import './cpu/register_all';
import * as tf from './tf';
import { activateWasm, wasmBinaryMissing } from './wasm/activate';

/** The backends, best first. */
export const BACKEND_NAMES = ['cuda', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** One backend's standing on this machine. */
export interface BackendStatus {
  name: BackendName;
  available: boolean;
  /** Why it is usable (what it runs on) or why not (and what would fix it). */
  reason: string;
}

const require = createRequire(import.meta.url);

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Where the cuda addon is looked for: $PIVOT_CUDA_ADDON, else the build output in the source tree. */
export function cudaAddonPath(): string {
  const built = new URL('../../native/cuda/build/Release/pivot_cuda.node', import.meta.url);
  return process.env.PIVOT_CUDA_ADDON ?? fileURLToPath(built);
}

function probeCuda(): BackendStatus {
  const path = cudaAddonPath();
  const unavailable = (reason: string): BackendStatus => ({ name: 'cuda', available: false, reason });
  if (!existsSync(path)) {
    return unavailable(process.env.PIVOT_CUDA_ADDON === undefined
      ? 'the native addon src-main/native/cuda is not built (npm run build:cuda, needs nvcc and an NVIDIA GPU)'
      : `the native addon ${path} named by PIVOT_CUDA_ADDON does not exist`);
  }
  try {
    require(path);
  } catch (err) {
    return unavailable(`the native addon ${path} failed to load: ${errorMessage(err)}`);
  }
  if (tf.findBackendFactory('cuda') === null) {
    return unavailable(`the native addon ${path} loads, but no 'cuda' backend is registered with tfjs`);
  }
  return { name: 'cuda', available: true, reason: `native addon ${path} (cuBLAS, own kernels)` };
}

// tfjs-node is optional and heavy (it loads libtensorflow): look it up once per process.
let tensorflowStatus: Promise<BackendStatus> | undefined;

async function probeTensorflow(): Promise<BackendStatus> {
  const unavailable = (reason: string): BackendStatus => ({ name: 'tensorflow', available: false, reason });
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      require.resolve(pkg);
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
    await tensorflowStatus,
    await probeWasm(),
    { name: 'cpu', available: true, reason: 'plain JavaScript, the slow reference' },
  ];
}
