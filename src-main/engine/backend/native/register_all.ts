// Registers the `native` (CPU) and `cuda` (GPU) backends with tfjs and every native kernel under both names:
// the kernels are the same TypeScript, and the addon runs each on the device of the buffers it is handed.
import * as tf from '../tf';
import { CPU_DEVICE, CUDA_DEVICE, loadNativeAddon, type NativeAddon } from './addon';
import { NativeBackend } from './backend';
import { activationKernels } from './fused/activations';
import { attentionKernels } from './fused/attention';
import { logSoftmaxGatherKernels } from './fused/log-softmax-gather';
import { normKernels } from './fused/norms';
import { elementwiseKernels } from './kernels/elementwise';
import { gatherKernels } from './kernels/gather';
import { layoutKernels } from './kernels/layout';
import { batchMatMulKernel } from './kernels/matmul';
import { reduceKernels } from './kernels/reduce';
import { shapeKernels } from './kernels/shape';
import type { NativeKernel } from './kernels/util';

/** Every kernel of the native backends. */
export const NATIVE_KERNELS: NativeKernel[] = [...elementwiseKernels, ...shapeKernels, ...layoutKernels, ...reduceKernels, ...gatherKernels, batchMatMulKernel, ...attentionKernels, ...normKernels, ...logSoftmaxGatherKernels, ...activationKernels];

export const NATIVE_BACKENDS = { native: CPU_DEVICE, cuda: CUDA_DEVICE } as const;
export type NativeBackendName = keyof typeof NATIVE_BACKENDS;

/** Registers `name`'s backend factory and kernels once; the backend is created when tfjs first activates it. */
export function registerNativeBackend(addon: NativeAddon, name: NativeBackendName): void {
  if (tf.findBackendFactory(name) !== null) return;
  tf.registerBackend(name, () => new NativeBackend(addon, NATIVE_BACKENDS[name], name), name === 'cuda' ? 4 : 3);
  for (const kernel of NATIVE_KERNELS) {
    if (tf.getKernel(kernel.kernelName, name) === undefined) tf.registerKernel({ ...kernel, backendName: name });
  }
}

/** The addon when it loads, after registering both backends with tfjs; else why not. */
export function nativeAddon(): { addon: NativeAddon } | { error: string } {
  const loaded = loadNativeAddon();
  if ('addon' in loaded) {
    registerNativeBackend(loaded.addon, 'native');
    registerNativeBackend(loaded.addon, 'cuda');
  }
  return loaded;
}
