// Brings up tfjs-backend-wasm in Node for training: binaries read from node_modules, the SIMD build (threads
// are off in Node, hard-coded by tfjs), our kernels registered, and emscripten's process-wide handlers removed.
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import * as tf from '../tf';
import { registerWasmKernels } from './register_all';

/** The folder holding tfjs-backend-wasm's `.wasm` binaries, ending in a separator (a prefix, for setWasmPaths). */
export function wasmBinaryDir(): string {
  const packageJson = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return join(dirname(packageJson), 'dist') + sep;
}

/** The SIMD binary is the one loaded in Node; it must exist before an initialisation is worth trying. */
export function wasmBinaryMissing(dir?: string): string | null {
  let folder: string;
  try {
    folder = dir ?? wasmBinaryDir();
  } catch {
    // A bundle run without node_modules (the GPU check) has no package to find: wasm is then simply unavailable.
    return '@tensorflow/tfjs-backend-wasm is not installed (its package.json cannot be found)';
  }
  const binary = `${folder}tfjs-backend-wasm-simd.wasm`;
  return existsSync(binary) ? null : `${binary} is missing (reinstall @tensorflow/tfjs-backend-wasm)`;
}

let pathsSet = false;

/**
 * Makes 'wasm' the active tfjs backend, initialising it on first use. Throws with the reason when it cannot
 * start. tfjs reads the binary path once, at initialisation, so it is set once per process.
 */
export async function activateWasm(): Promise<void> {
  if (!pathsSet && !('wasm' in tf.engine().registry)) {
    const missing = wasmBinaryMissing();
    if (missing !== null) throw new Error(missing);
    setWasmPaths(wasmBinaryDir());
    pathsSet = true;
  }
  registerWasmKernels();
  const before = processHandlers();
  const ok = await tf.setBackend('wasm');
  removeAddedHandlers(before);
  if (!ok) throw new Error('the wasm backend failed to initialise (see the warning above)');
}

interface Handlers {
  uncaughtException: NodeJS.UncaughtExceptionListener[];
  unhandledRejection: NodeJS.UnhandledRejectionListener[];
}

function processHandlers(): Handlers {
  return {
    uncaughtException: process.listeners('uncaughtException'),
    unhandledRejection: process.listeners('unhandledRejection'),
  };
}

/**
 * Emscripten's Node glue installs uncaughtException / unhandledRejection handlers that rethrow, which would
 * kill the engine host before its own handlers could report the error. Nothing in the backend needs them.
 */
function removeAddedHandlers(before: Handlers): void {
  for (const handler of process.listeners('uncaughtException')) {
    if (!before.uncaughtException.includes(handler)) process.removeListener('uncaughtException', handler);
  }
  for (const handler of process.listeners('unhandledRejection')) {
    if (!before.unhandledRejection.includes(handler)) process.removeListener('unhandledRejection', handler);
  }
}
