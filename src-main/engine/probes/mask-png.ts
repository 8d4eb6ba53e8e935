// Reads segmentation masks as class ids: an 8-bit grey PNG (value = class) or a palette PNG (index =
// class, as VOC and ADE tools write them). sharp would expand a palette to RGB and lose the ids, hence this.
import { readFile } from 'node:fs/promises';
import { inflateSync } from 'node:zlib';
import { PivotError } from '../../../src-shared/errors';

/** A class-id map at pixel resolution, row-major. */
export interface ClassMask {
  width: number;
  height: number;
  data: Uint8Array;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const GREY = 0;
const PALETTE = 3;

/** Decodes the class ids of a grey (bit depth 1–8) or palette PNG; `file` names it in errors. */
export function decodeMaskPng(bytes: Uint8Array, file: string): ClassMask {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) throw new PivotError('INVALID_DATA', `${file}: not a PNG file`, { file });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let width = 0;
  let height = 0;
  let depth = 0;
  let colorType = -1;
  const idat: Uint8Array[] = [];
  for (let at = 8; at + 8 <= bytes.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      depth = data[8] as number;
      colorType = data[9] as number;
      if (data[12] !== 0) throw new PivotError('INVALID_DATA', `${file}: interlaced PNG masks are not supported; save it without interlacing`, { file });
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    at += 12 + length;
  }
  if (colorType !== GREY && colorType !== PALETTE) {
    throw new PivotError('INVALID_DATA', `${file}: a mask must be a grey or palette PNG holding class ids (this one is ${colorType === 2 || colorType === 6 ? 'RGB' : `colour type ${colorType}`})`, { file });
  }
  if (depth > 8) throw new PivotError('INVALID_DATA', `${file}: ${depth}-bit masks are not supported; class ids must fit in 8 bits`, { file });
  let raw: Uint8Array;
  try {
    raw = inflateSync(Buffer.concat(idat));
  } catch (err) {
    throw new PivotError('INVALID_DATA', `${file}: corrupt PNG data (${(err as Error).message})`, { file });
  }
  const stride = Math.ceil((width * depth) / 8);
  if (raw.length < height * (stride + 1)) throw new PivotError('INVALID_DATA', `${file}: truncated PNG data`, { file });
  const out = new Uint8Array(width * height);
  let previous: Uint8Array = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const line = unfilter(raw, y * (stride + 1), stride, previous, file);
    const mask = (1 << depth) - 1;
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      out[y * width + x] = ((line[bit >> 3] as number) >> (8 - depth - (bit & 7))) & mask;
    }
    previous = line;
  }
  return { width, height, data: out };
}

/** Undoes one scanline's PNG filter (one byte per pixel step for depths ≤ 8). */
function unfilter(raw: Uint8Array, start: number, stride: number, prev: Uint8Array, file: string): Uint8Array {
  const filter = raw[start] as number;
  const line = raw.slice(start + 1, start + 1 + stride);
  for (let i = 0; i < stride; i++) {
    const a = i > 0 ? (line[i - 1] as number) : 0;
    const b = prev[i] as number;
    const c = i > 0 ? (prev[i - 1] as number) : 0;
    const x = line[i] as number;
    if (filter === 1) line[i] = x + a;
    else if (filter === 2) line[i] = x + b;
    else if (filter === 3) line[i] = x + ((a + b) >> 1);
    else if (filter === 4) {
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      line[i] = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
    } else if (filter !== 0) throw new PivotError('INVALID_DATA', `${file}: corrupt PNG (filter type ${filter})`, { file });
  }
  return line;
}

export async function readMaskPng(path: string): Promise<ClassMask> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new PivotError('FILE_UNREADABLE', `${path}: cannot read mask (${(err as Error).message})`);
  }
  return decodeMaskPng(bytes, path);
}

/** Nearest-neighbour resize (pixel centres), so class ids are never blended into other ids. */
export function resizeMaskNearest(mask: ClassMask, width: number, height: number): ClassMask {
  if (mask.width === width && mask.height === height) return mask;
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(mask.height - 1, Math.floor(((y + 0.5) * mask.height) / height));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(mask.width - 1, Math.floor(((x + 0.5) * mask.width) / width));
      out[y * width + x] = mask.data[sy * mask.width + sx] as number;
    }
  }
  return { width, height, data: out };
}
