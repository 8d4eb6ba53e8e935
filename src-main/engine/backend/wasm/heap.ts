// Direct access to tensors on the wasm heap, for the kernels we add in JS: typed views, outputs, and aliases
// (tensors that point into another tensor's memory, so a batch item can be handed to XNNPACK without a copy).
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelArgs } from '../register-kernels';
import * as tf from '../tf';

/** The wasm backend behind a kernel call (tfjs types it as `{}`). */
export function wasmBackend(args: KernelArgs): BackendWasm {
  return args.backend as BackendWasm;
}

/** A tensor input a kernel cannot run without; tfjs's own kernels assume the same. */
export function input(args: KernelArgs, name: string): tf.TensorInfo {
  const info = args.inputs[name];
  if (info === undefined) throw new Error(`kernel input '${name}' is missing`);
  return info;
}

/**
 * A typed view of a tensor's memory. Take views only after the last allocation of a kernel call: an allocation
 * may grow the heap, which detaches every view taken before it.
 */
export function heapView(backend: BackendWasm, info: tf.TensorInfo): tf.TypedArray {
  return backend.typedArrayFromHeap(info);
}

/** A tensor over `shape` that starts `elementOffset` elements into `base`'s memory; release with `releaseAlias`. */
export function aliasOf(
  backend: BackendWasm,
  base: tf.TensorInfo,
  elementOffset: number,
  shape: number[],
): tf.TensorInfo {
  const offset = backend.getMemoryOffset(base.dataId) + elementOffset * tf.util.bytesPerElement(base.dtype);
  return backend.makeOutput(shape, base.dtype, offset);
}

/**
 * Unregisters an alias without freeing its memory, which belongs to the base tensor: `disposeData` would
 * `free()` a pointer into the middle of an allocation. Unregistering also drops any XNNPACK operator cached
 * for the alias's id.
 */
export function releaseAlias(backend: BackendWasm, alias: tf.TensorInfo): void {
  const data = backend.dataIdMap.get(alias.dataId);
  if (data === undefined) return;
  backend.wasm.tfjs.disposeData(data.id);
  backend.dataIdMap.delete(alias.dataId);
}
