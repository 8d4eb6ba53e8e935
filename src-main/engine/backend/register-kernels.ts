// Puts our kernels into tfjs's registry over a backend's own, idempotently: the registry is global to the
// process, and a kernel that wraps the stock one must never end up wrapping itself.
import * as tf from './tf';

/** The arguments tfjs passes to a kernel function. */
export type KernelArgs = Parameters<tf.KernelFunc>[0];

/** A kernel we register under `name`, built from the config registered there now (undefined if none). */
export interface KernelOverride {
  name: string;
  make: (current: tf.KernelConfig | undefined) => tf.KernelConfig;
}

// Marks our configs, so a second call (or a second copy of this module) leaves them in place.
const ours = Symbol.for('pivot.kernelOverride');
type Marked = tf.KernelConfig & { [ours]?: true };

/** Registers each override for `backendName` unless one of ours is already there. */
export function registerOverrides(backendName: string, overrides: KernelOverride[]): void {
  for (const { name, make } of overrides) {
    const current = tf.getKernel(name, backendName) as Marked | undefined;
    if (current?.[ours]) continue;
    const config: Marked = { ...make(current), backendName, [ours]: true };
    if (current !== undefined) tf.unregisterKernel(name, backendName);
    tf.registerKernel(config);
  }
}

/** For overrides that wrap the stock kernel: the stock config, or a clear error if the backend has none. */
export function stockKernel(current: tf.KernelConfig | undefined, name: string, backendName: string): tf.KernelConfig {
  if (current === undefined) throw new Error(`tfjs-backend-${backendName} registered no ${name} kernel to wrap`);
  return current;
}
