// The cuda backend as this machine has it, from the native addon's own device probe: the backend tests assert on
// it, so that they hold on the CUDA test machine as well as on one without a GPU.
import { loadNativeAddon } from '../../../../src-main/engine/backend/native/addon';
import type { BackendStatus } from '../../../../src-main/engine/backend/availability';

/** cuda's entry in listBackends here (the addon built here must load: these tests need it). */
export function cudaHere(): BackendStatus {
  const loaded = loadNativeAddon();
  if (!('addon' in loaded)) throw new Error(`the native addon must be built for these tests: ${loaded.error}`);
  const cuda = loaded.addon.devices().cuda;
  if (!cuda.available) return { name: 'cuda', available: false, reason: cuda.reason };
  return { name: 'cuda', available: true, reason: `native addon on ${cuda.description}${cuda.tf32 ? ', TF32 on' : ''}` };
}

/** The backends available here, best first, as the errors list them. */
export function availableHere(): string {
  return cudaHere().available ? 'cuda, native, wasm, cpu' : 'native, wasm, cpu';
}
