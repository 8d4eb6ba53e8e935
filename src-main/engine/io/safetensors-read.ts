// Reading the safetensors format (an 8-byte little-endian header length, a JSON header, raw
// little-endian tensor data): the header alone, and tensors decoded to float32 / int32 / uint8 arrays.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { PivotError } from '../../../src-shared/errors';
import { bfloat16ArrayToFloat32, halfArrayToFloat32 } from './half-precision';

/**
 * Bits per element of every dtype the format defines (the Rust crate's `Dtype`), so that any file's layout can be
 * checked; `decode` turns only the usual ones into numbers.
 */
const DTYPE_BITS: Readonly<Record<string, number>> = {
  BOOL: 8, U8: 8, I8: 8, F8_E5M2: 8, F8_E4M3: 8, F8_E8M0: 8, I16: 16, U16: 16, F16: 16, BF16: 16,
  I32: 32, U32: 32, F32: 32, I64: 64, U64: 64, F64: 64, F4: 4, F6_E2M3: 6, F6_E3M2: 6,
};

/** The dtypes `decode` reads. */
const DECODED_DTYPES = ['F64', 'F32', 'F16', 'BF16', 'I64', 'I32', 'I16', 'I8', 'U8', 'BOOL'];

/** safetensors' own bound: a header above 100 MB means the file is not what it claims to be. */
const MAX_HEADER_BYTES = 100_000_000;

/** One tensor's entry in the header. */
export interface SafetensorsTensorInfo {
  /** As written in the file: F32, F16, BF16, I64, ... */
  dtype: string;
  shape: number[];
  /** [begin, end) byte offsets relative to the start of the data section. */
  dataOffsets: [number, number];
}

/** The parsed header of a file. */
export interface SafetensorsHeader {
  tensors: Record<string, SafetensorsTensorInfo>;
  /** `__metadata__` (string → string), {} when absent. */
  metadata: Record<string, string>;
  /** Absolute byte offset of the data section (8 + header length). */
  dataStart: number;
}

/**
 * A decoded tensor. Floats of any width become float32, integers int32 (I64 range-checked),
 * U8 stays uint8, BOOL becomes 0/1 uint8. `sourceDtype` is the dtype in the file.
 */
export type DecodedTensor = { shape: number[]; sourceDtype: string } & (
  | { dtype: 'float32'; data: Float32Array }
  | { dtype: 'int32'; data: Int32Array }
  | { dtype: 'uint8' | 'bool'; data: Uint8Array }
);

/** Anything that serves named tensors: one safetensors file or a sharded folder. */
export interface TensorSource {
  /** The file (or index file) these tensors come from, for error messages. */
  readonly location: string;
  /** Tensor names in the order of the header(s). */
  names(): string[];
  /** Header entry of a tensor; throws naming the file if absent. */
  info(name: string): SafetensorsTensorInfo;
  /** Path of the file that holds a tensor (for error messages). */
  fileOf(name: string): string;
  has(name: string): boolean;
  read(name: string): DecodedTensor;
  metadata(): Record<string, string>;
}

/**
 * An open safetensors file: the header is parsed up front, tensor data is read on demand, so a
 * 2 GB CLIPModel checkpoint costs only the vision tensors. Paths are reopened for each read, so
 * nothing needs closing.
 */
export class SafetensorsFile implements TensorSource {
  readonly header: SafetensorsHeader;
  readonly location: string;

  private constructor(
    /** Path, or the label given for a Buffer; every error message starts with it. */
    readonly file: string,
    private readonly source: string | Uint8Array,
    totalBytes: number,
    headerBytes: Uint8Array,
  ) {
    this.header = parseHeader(file, headerBytes, totalBytes);
    this.location = file;
  }

  /** Opens a file path (reads the header only) or wraps an in-memory file (`label` names it in errors). */
  static open(source: string | Uint8Array, label = '<buffer>'): SafetensorsFile {
    if (typeof source !== 'string') {
      const headerBytes = headerSlice(label, source.length, (start, length) => source.subarray(start, start + length));
      return new SafetensorsFile(label, source, source.length, headerBytes);
    }
    const fd = openSync(source, 'r');
    try {
      const size = fstatSync(fd).size;
      const headerBytes = headerSlice(source, size, (start, length) => readAt(source, fd, start, length));
      return new SafetensorsFile(source, source, size, headerBytes);
    } finally {
      closeSync(fd);
    }
  }

  names(): string[] {
    return Object.keys(this.header.tensors);
  }

  has(name: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.header.tensors, name);
  }

  info(name: string): SafetensorsTensorInfo {
    if (!this.has(name)) throw new PivotError('CHECKPOINT_INCOMPATIBLE', `${this.file}: no tensor named "${name}"`, { file: this.file, tensor: name });
    return this.header.tensors[name] as SafetensorsTensorInfo;
  }

  fileOf(name: string): string {
    this.info(name);
    return this.file;
  }

  metadata(): Record<string, string> {
    return this.header.metadata;
  }

  read(name: string): DecodedTensor {
    const info = this.info(name);
    const [begin, end] = info.dataOffsets;
    const start = this.header.dataStart + begin;
    let bytes: Uint8Array;
    if (typeof this.source === 'string') {
      const fd = openSync(this.source, 'r');
      try {
        bytes = readAt(this.source, fd, start, end - begin);
      } finally {
        closeSync(fd);
      }
    } else {
      // A copy with its own ArrayBuffer, so typed-array views are aligned whatever the file's padding
      // (Buffer#slice would share memory, hence the Uint8Array constructor).
      bytes = new Uint8Array(this.source.subarray(start, start + end - begin));
    }
    return decode(this.file, name, info, bytes);
  }

  /** Every tensor, decoded. */
  readAll(): Record<string, DecodedTensor> {
    return Object.fromEntries(this.names().map((name) => [name, this.read(name)]));
  }
}

/** Reads a whole file (path or bytes): its metadata and every tensor. */
export function readSafetensors(
  source: string | Uint8Array,
  label?: string,
): { metadata: Record<string, string>; tensors: Record<string, DecodedTensor> } {
  const file = SafetensorsFile.open(source, label);
  return { metadata: file.metadata(), tensors: file.readAll() };
}

/** Reads exactly `length` bytes at `position` into a fresh (aligned) array; short reads mean truncation. */
function readAt(file: string, fd: number, position: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, out, done, length - done, position + done);
    if (n === 0) throw new PivotError('INVALID_DATA', `${file}: truncated: unexpected end of file at byte ${position + done}`, { file });
    done += n;
  }
  return out;
}

function headerSlice(file: string, size: number, slice: (start: number, length: number) => Uint8Array): Uint8Array {
  if (size < 8) {
    throw new PivotError('INVALID_DATA', `${file}: truncated: ${size} bytes, but a safetensors file starts with an 8-byte header length`, { file });
  }
  const lengthBytes = slice(0, 8);
  const headerLength = Number(new DataView(lengthBytes.buffer, lengthBytes.byteOffset, 8).getBigUint64(0, true));
  if (headerLength > MAX_HEADER_BYTES) {
    throw new PivotError('INVALID_DATA',
      `${file}: not a safetensors file (its first 8 bytes announce a ${headerLength}-byte header, over the 100 MB limit)`, { file });
  }
  if (8 + headerLength > size) {
    throw new PivotError('INVALID_DATA',
      `${file}: truncated: the header needs ${headerLength} bytes but only ${size - 8} follow; re-download or re-save the file`, { file },
    );
  }
  return slice(8, headerLength);
}

/**
 * The header, checked as the Rust crate's `validate` does: every entry well-formed, its byte span exactly its
 * shape × dtype size, and the spans, in offset order, tiling the data section with no gap, overlap or leftover —
 * a wrong header length or offset would otherwise read shifted or shared bytes as weights.
 */
function parseHeader(file: string, bytes: Uint8Array, totalBytes: number): SafetensorsHeader {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new PivotError('INVALID_DATA', `${file}: the header is not valid UTF-8; the file is damaged or not a safetensors file`, { file });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new PivotError('INVALID_DATA', `${file}: bad header JSON (${(err as Error).message}); the file is damaged or not a safetensors file`, { file });
  }
  if (!isObject(json)) throw new PivotError('INVALID_DATA', `${file}: bad header JSON: expected an object of tensors`, { file });
  const dataStart = 8 + bytes.length;
  const dataBytes = totalBytes - dataStart;
  const tensors: Record<string, SafetensorsTensorInfo> = {};
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(json)) {
    if (name === '__metadata__') {
      if (!isObject(entry) || Object.values(entry).some((v) => typeof v !== 'string')) {
        throw new PivotError('INVALID_DATA', `${file}: bad header JSON: "__metadata__" must map strings to strings`, { file, field: '__metadata__' });
      }
      metadata = entry as Record<string, string>;
      continue;
    }
    tensors[name] = checkEntry(file, name, entry, dataBytes);
  }
  checkLayout(file, tensors, dataBytes);
  return { tensors, metadata, dataStart };
}

function checkEntry(file: string, name: string, entry: unknown, dataBytes: number): SafetensorsTensorInfo {
  const where = `${file}: tensor "${name}"`;
  const fail = (what: string, field?: string): never => {
    throw new PivotError('INVALID_DATA', `${where}${what}`, field === undefined ? { file, tensor: name } : { file, tensor: name, field });
  };
  if (!isObject(entry)) return fail(': bad header entry (expected {dtype, shape, data_offsets})');
  const { dtype, shape, data_offsets: offsets } = entry;
  const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
  const bits = typeof dtype === 'string' && Object.prototype.hasOwnProperty.call(DTYPE_BITS, dtype) ? DTYPE_BITS[dtype] : undefined;
  if (bits === undefined) return fail(`: unknown dtype ${JSON.stringify(dtype)} (known: ${Object.keys(DTYPE_BITS).join(', ')})`, 'dtype');
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    return fail(`: shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`, 'shape');
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
    return fail(`: data_offsets must be [begin, end] with 0 ≤ begin ≤ end, got ${JSON.stringify(offsets)}`, 'data_offsets');
  }
  const [begin, end] = offsets as [number, number];
  const elements = (shape as number[]).reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(elements * bits)) return fail(`: shape [${shape.join(',')}] has more elements than any file can hold`, 'shape');
  if ((elements * bits) % 8 !== 0) return fail(`: ${elements} elements of ${dtype} (${bits} bits each) do not fill whole bytes`, 'shape');
  if (end - begin !== (elements * bits) / 8) {
    return fail(`: ${dtype} [${shape.join(',')}] needs ${(elements * bits) / 8} bytes but data_offsets span ${end - begin}`, 'data_offsets');
  }
  if (end > dataBytes) {
    return fail(` ends at data byte ${end} but the file holds only ${dataBytes} data bytes: the file is truncated; re-download or re-save it`, 'data_offsets');
  }
  return { dtype: dtype as string, shape: shape as number[], dataOffsets: [begin, end] };
}

/** The spans, sorted by offset, follow one another exactly from byte 0 to the end of the file. */
function checkLayout(file: string, tensors: Record<string, SafetensorsTensorInfo>, dataBytes: number): void {
  const spans = Object.entries(tensors).sort(([, a], [, b]) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1]);
  let covered = 0;
  let previous: [string, SafetensorsTensorInfo] | undefined;
  for (const [name, { dataOffsets: [begin, end] }] of spans) {
    const details = { file, tensor: name, field: 'data_offsets' };
    if (begin < covered && previous !== undefined) {
      const [other, { dataOffsets }] = previous;
      throw new PivotError('INVALID_DATA',
        `${file}: tensor "${name}" starts at data byte ${begin}, inside tensor "${other}" (bytes ${dataOffsets[0]} to ${dataOffsets[1]}): tensors must not overlap`, details);
    }
    if (begin > covered) {
      throw new PivotError('INVALID_DATA',
        `${file}: tensor "${name}" starts at data byte ${begin}, but the tensors before it end at ${covered}: ${begin - covered} bytes belong to no tensor`, details);
    }
    covered = end;
    previous = [name, tensors[name] as SafetensorsTensorInfo];
  }
  if (covered !== dataBytes) {
    throw new PivotError('INVALID_DATA',
      `${file}: the tensors cover ${covered} data bytes but ${dataBytes} follow the header: ` +
        'the header length or the data_offsets are wrong; re-download or re-save the file', { file });
  }
}

function decode(file: string, name: string, info: SafetensorsTensorInfo, bytes: Uint8Array): DecodedTensor {
  const { dtype, shape } = info;
  const base = { shape: [...shape], sourceDtype: dtype };
  const buffer = bytes.buffer;
  const n = shape.reduce((a, b) => a * b, 1);
  switch (dtype) {
    case 'F32':
      return { ...base, dtype: 'float32', data: new Float32Array(buffer, bytes.byteOffset, n) };
    case 'F64':
      return { ...base, dtype: 'float32', data: Float32Array.from(new Float64Array(buffer, bytes.byteOffset, n)) };
    case 'F16':
      return { ...base, dtype: 'float32', data: halfArrayToFloat32(new Uint16Array(buffer, bytes.byteOffset, n)) };
    case 'BF16':
      return { ...base, dtype: 'float32', data: bfloat16ArrayToFloat32(new Uint16Array(buffer, bytes.byteOffset, n)) };
    case 'I32':
      return { ...base, dtype: 'int32', data: new Int32Array(buffer, bytes.byteOffset, n) };
    case 'I16':
      return { ...base, dtype: 'int32', data: Int32Array.from(new Int16Array(buffer, bytes.byteOffset, n)) };
    case 'I8':
      return { ...base, dtype: 'int32', data: Int32Array.from(new Int8Array(buffer, bytes.byteOffset, n)) };
    case 'I64':
      return { ...base, dtype: 'int32', data: int64ToInt32(file, name, new BigInt64Array(buffer, bytes.byteOffset, n)) };
    case 'U8':
      return { ...base, dtype: 'uint8', data: bytes };
    case 'BOOL':
      return { ...base, dtype: 'bool', data: bytes.map((b) => (b ? 1 : 0)) };
    default:
      throw new PivotError('INVALID_DATA',
        `${file}: tensor "${name}" has dtype ${dtype}, which this reader does not decode ` +
          `(supported: ${DECODED_DTYPES.join(', ')}); convert the checkpoint to F32, F16 or BF16`,
      );
  }
}

function int64ToInt32(file: string, name: string, values: BigInt64Array): Int32Array {
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as bigint;
    if (v > 2147483647n || v < -2147483648n) {
      throw new PivotError('INVALID_DATA', `${file}: tensor "${name}" (I64) holds ${v} at index ${i}, outside the int32 range the engine uses`, { file });
    }
    out[i] = Number(v);
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
