// The tfjs backend over the pivot_native addon, one instance per device (`native` = CPU, `cuda` = GPU): tensor
// data lives in native memory behind numeric handles, freed the moment tfjs disposes it, so neither V8's heap
// limit nor the garbage collector governs it. Reshape and identity share a buffer (reference-counted here).
import { PivotError } from '../../../../src-shared/errors';
import * as tf from '../tf';
import type { NativeAddon } from './addon';
import { DTYPE_CODE } from './ops';

/** What the backend keeps for one tfjs dataId. */
interface NativeData {
  handle: number;
  dtype: tf.DataType;
  size: number;
  refCount: number;
}

type Values = Float32Array | Int32Array | Uint8Array;

function bytesPerElement(dtype: tf.DataType): number {
  if (dtype === 'bool') return 1;
  if (dtype === 'float32' || dtype === 'int32') return 4;
  throw new Error(`the native backend holds float32, int32 and bool tensors, not ${dtype}`);
}

function emptyValues(dtype: tf.DataType, size: number): Values {
  if (dtype === 'int32') return new Int32Array(size);
  if (dtype === 'bool') return new Uint8Array(size);
  return new Float32Array(size);
}

/** tfjs may hand over plain arrays or another typed array; the addon copies bytes, so match the dtype exactly. */
function asTyped(values: tf.BackendValues, dtype: tf.DataType): Values {
  if (dtype === 'float32' && values instanceof Float32Array) return values;
  if (dtype === 'int32' && values instanceof Int32Array) return values;
  if (dtype === 'bool' && values instanceof Uint8Array) return values;
  const array = values as ArrayLike<number>;
  const out = emptyValues(dtype, array.length);
  for (let i = 0; i < array.length; i++) out[i] = dtype === 'bool' ? (array[i] ? 1 : 0) : array[i];
  return out;
}

export class NativeBackend extends tf.KernelBackend {
  private readonly data = new tf.DataStorage<NativeData>(this, tf.engine());

  constructor(
    readonly addon: NativeAddon,
    /** The addon's device number (CPU_DEVICE or CUDA_DEVICE). */
    readonly device: number,
    readonly backendName: string,
  ) {
    super();
  }

  /** A new buffer on this device; out of memory becomes OUT_OF_MEMORY with the sizes asked for and free. */
  allocate(bytes: number): number {
    try {
      return this.addon.alloc(this.device, bytes);
    } catch (err) {
      const e = err as Error & { code?: string; requestedBytes?: number; freeBytes?: number; inUseBytes?: number; device?: string };
      if (e.code !== 'OUT_OF_MEMORY') throw err;
      throw new PivotError('OUT_OF_MEMORY', `${e.message}. Use a smaller model, batch or image size.`, {
        backend: this.backendName,
        device: e.device,
        requestedBytes: e.requestedBytes,
        freeBytes: e.freeBytes,
        inUseBytes: e.inUseBytes,
      });
    }
  }

  override write(values: tf.BackendValues | null, shape: number[], dtype: tf.DataType): tf.DataId {
    const dataId = {};
    this.store(dataId, values, tf.util.sizeFromShape(shape), dtype, 1);
    return dataId;
  }

  private store(dataId: tf.DataId, values: tf.BackendValues | null, size: number, dtype: tf.DataType, refCount: number): void {
    const handle = this.allocate(size * bytesPerElement(dtype));
    if (values !== null && size > 0) this.addon.write(handle, asTyped(values, dtype));
    this.data.set(dataId, { handle, dtype, size, refCount });
  }

  override move(dataId: tf.DataId, values: tf.BackendValues, shape: number[], dtype: tf.DataType, refCount: number): void {
    this.store(dataId, values, tf.util.sizeFromShape(shape), dtype, refCount);
  }

  /** A tensor of `shape` with uninitialised data, for a kernel to write. */
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo {
    const dataId = {};
    this.store(dataId, null, tf.util.sizeFromShape(shape), dtype, 1);
    return { dataId, shape, dtype };
  }

  /** The buffer handle behind a tensor. */
  handle(info: tf.TensorInfo): number {
    return this.data.get(info.dataId).handle;
  }

  /** The same data under another shape (reshape, identity): no copy. */
  share(info: tf.TensorInfo, shape: number[]): tf.TensorInfo {
    this.incRef(info.dataId);
    return { dataId: info.dataId, shape, dtype: info.dtype };
  }

  dtypeCode(dtype: tf.DataType): number {
    const code = DTYPE_CODE[dtype];
    if (code === undefined) throw new Error(`the ${this.backendName} backend has no ${dtype} tensors`);
    return code;
  }

  override refCount(dataId: tf.DataId): number {
    return this.data.has(dataId) ? this.data.get(dataId).refCount : 0;
  }

  override incRef(dataId: tf.DataId): void {
    this.data.get(dataId).refCount++;
  }

  override numDataIds(): number {
    return this.data.numDataIds();
  }

  override readSync(dataId: tf.DataId): tf.BackendValues {
    const { handle, dtype, size } = this.data.get(dataId);
    const out = emptyValues(dtype, size);
    if (size > 0) this.addon.read(handle, out);
    return out;
  }

  override async read(dataId: tf.DataId): Promise<tf.BackendValues> {
    return this.readSync(dataId);
  }

  override disposeData(dataId: tf.DataId, force = false): boolean {
    if (!this.data.has(dataId)) return true;
    const entry = this.data.get(dataId);
    entry.refCount--;
    if (!force && entry.refCount > 0) return false;
    this.addon.free(entry.handle);
    this.data.delete(dataId);
    return true;
  }

  /** For kernels: frees an intermediate result they made. */
  disposeIntermediateTensorInfo(info: tf.TensorInfo): void {
    this.disposeData(info.dataId);
  }

  override memory(): { unreliable: boolean; reasons?: string[] } & Record<string, unknown> {
    const m = this.addon.memory(this.device);
    return { unreliable: false, numBytesInNative: m.inUseBytes, peakBytesInNative: m.peakBytes, ...m };
  }

  override async time(f: () => void): Promise<tf.BackendTimingInfo> {
    const start = performance.now();
    f();
    this.addon.sync(this.device);
    return { kernelMs: performance.now() - start };
  }

  override timerAvailable(): boolean {
    return true;
  }

  override floatPrecision(): 32 {
    return 32;
  }

  override epsilon(): number {
    return 1e-7;
  }

  override dispose(): void {}
}
