// Writing safetensors files: keys sorted, header padded with spaces to a multiple of 8 bytes (so
// every tensor starts 8-byte aligned, as the format requires), and an atomic variant for checkpoints.
import { writeFileAtomic } from './atomic-write';

/** One tensor to write; `data` holds prod(shape) elements in row-major order. */
export interface TensorToWrite {
  dtype: 'F32' | 'I32';
  shape: readonly number[];
  data: Float32Array | Int32Array | ArrayLike<number>;
}

/** Serialises tensors (+ optional string metadata, e.g. {format: 'pt'}) to the bytes of a .safetensors file. */
export function writeSafetensors(tensors: Record<string, TensorToWrite>, metadata: Record<string, string> = {}): Buffer {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string') throw new Error(`safetensors metadata "${key}" must be a string, got ${typeof value}`);
    }
    header.__metadata__ = metadata;
  }
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const name of names) {
    if (name === '__metadata__') throw new Error('"__metadata__" is reserved and cannot name a tensor');
    const tensor = tensors[name] as TensorToWrite;
    const bytes = tensorBytes(name, tensor);
    header[name] = { dtype: tensor.dtype, shape: [...tensor.shape], data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const padded = Math.ceil(json.length / 8) * 8;
  const out = Buffer.alloc(8 + padded + offset, 0x20);
  out.writeBigUInt64LE(BigInt(padded), 0);
  json.copy(out, 8);
  let at = 8 + padded;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** `writeSafetensors` to `path` through `writeFileAtomic`: a crash never leaves a partial checkpoint. */
export async function writeSafetensorsAtomic(
  path: string,
  tensors: Record<string, TensorToWrite>,
  metadata: Record<string, string> = {},
): Promise<void> {
  await writeFileAtomic(path, writeSafetensors(tensors, metadata));
}

function tensorBytes(name: string, tensor: TensorToWrite): Uint8Array {
  const { dtype, shape, data } = tensor;
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new Error(`tensor "${name}": shape [${shape.join(',')}] must be non-negative integers`);
  }
  const elements = shape.reduce((a, b) => a * b, 1);
  if (data.length !== elements) {
    throw new Error(`tensor "${name}": shape [${shape.join(',')}] has ${elements} elements but data has ${data.length}`);
  }
  let typed: Float32Array | Int32Array;
  if (dtype === 'F32') typed = data instanceof Float32Array ? data : Float32Array.from(data);
  else if (dtype === 'I32') typed = data instanceof Int32Array ? data : Int32Array.from(data);
  else throw new Error(`tensor "${name}": dtype ${String(dtype)} cannot be written (F32 or I32)`);
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
}
