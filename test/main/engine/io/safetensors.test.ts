// The safetensors reader/writer: round trips, files written by Python, dtype conversion, sharded
// folders, and an error naming the file and tensor for each way a file can be wrong.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  SafetensorsFile,
  loadSafetensorsFolder,
  readSafetensors,
  writeSafetensors,
  writeSafetensorsAtomic,
} from '../../../../src-main/engine/io/safetensors';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/hf');

/** A file built by hand (not by the writer under test): entries' bytes laid out in the given order. */
function handMade(entries: { name: string; dtype: string; shape: number[]; bytes: Uint8Array }[], headerExtra = {}): Buffer {
  const header: Record<string, unknown> = { ...headerExtra };
  let offset = 0;
  for (const e of entries) {
    header[e.name] = { dtype: e.dtype, shape: e.shape, data_offsets: [offset, offset + e.bytes.length] };
    offset += e.bytes.length;
  }
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([length, json, ...entries.map((e) => Buffer.from(e.bytes))]);
}

const u16 = (values: number[]) => new Uint8Array(Uint16Array.from(values).buffer);

let tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pivot-safetensors-'));
  tempDirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs = [];
});

describe('writeSafetensors', () => {
  it('round-trips F32 and I32 tensors with metadata, keys sorted, header padded to 8 bytes', () => {
    const bytes = writeSafetensors(
      {
        'z.weight': { dtype: 'F32', shape: [2, 3], data: Float32Array.from([1, -2.5, 3, 4e-8, 5e7, -0]) },
        'a.ids': { dtype: 'I32', shape: [3], data: [7, -8, 2147483647] },
        scalar: { dtype: 'F32', shape: [], data: [0.25] },
      },
      { format: 'pt' },
    );
    const headerLength = Number(bytes.readBigUInt64LE(0));
    expect(headerLength % 8).toBe(0);
    const file = SafetensorsFile.open(bytes, 'roundtrip.safetensors');
    expect(file.names()).toEqual(['a.ids', 'scalar', 'z.weight']);
    expect(file.header.metadata).toEqual({ format: 'pt' });
    expect(file.info('a.ids').dataOffsets).toEqual([0, 12]);
    const { tensors } = readSafetensors(bytes);
    expect(tensors['z.weight']).toMatchObject({ dtype: 'float32', sourceDtype: 'F32', shape: [2, 3] });
    expect(Array.from(tensors['z.weight']!.data)).toEqual(Array.from(Float32Array.from([1, -2.5, 3, 4e-8, 5e7, -0])));
    expect(tensors['a.ids']).toMatchObject({ dtype: 'int32', shape: [3] });
    expect(Array.from(tensors['a.ids']!.data)).toEqual([7, -8, 2147483647]);
    expect(Array.from(tensors.scalar!.data)).toEqual([0.25]);
  });

  it('rejects data whose length does not match the shape', () => {
    expect(() => writeSafetensors({ w: { dtype: 'F32', shape: [2, 2], data: [1, 2, 3] } })).toThrow(
      'tensor "w": shape [2,2] has 4 elements but data has 3',
    );
  });

  it('writes atomically: the target appears complete and no temporary file stays behind', async () => {
    const dir = tempDir();
    const path = join(dir, 'model.safetensors');
    await writeSafetensorsAtomic(path, { w: { dtype: 'F32', shape: [1], data: [1] } });
    await writeSafetensorsAtomic(path, { w: { dtype: 'F32', shape: [2], data: [2, 3] } });
    expect(readdirSync(dir)).toEqual(['model.safetensors']);
    expect(Array.from(readSafetensors(path).tensors.w!.data)).toEqual([2, 3]);
  });

  it('writes a file part by part with exactly the bytes of the in-memory form (files above 4 GiB need this)', async () => {
    const dir = tempDir();
    const path = join(dir, 'optimizer.safetensors');
    const tensors = {
      b: { dtype: 'I32', shape: [3], data: [7, -8, 9] },
      a: { dtype: 'F32', shape: [2, 3], data: Float32Array.from([1.5, -2, 3, 4, 5, 6.25]).subarray(0) },
    } as const;
    await writeSafetensorsAtomic(path, tensors, { format: 'pt' });
    expect(readFileSync(path).equals(writeSafetensors(tensors, { format: 'pt' }))).toBe(true);
  });
});

describe('reading', () => {
  it('reads a header written by Python safetensors (the CLIP fixture)', () => {
    const file = SafetensorsFile.open(join(FIXTURES, 'clip-vision/model.safetensors'));
    expect(file.header.metadata).toEqual({ format: 'pt' });
    expect(file.header.dataStart).toBe(3840);
    expect(file.names()).toHaveLength(39);
    expect(file.info('embeddings.patch_embedding.weight')).toMatchObject({ dtype: 'F32', shape: [64, 3, 8, 8] });
    const position = file.read('embeddings.position_embedding.weight');
    expect(position.shape).toEqual([17, 64]);
    expect(position.data).toBeInstanceOf(Float32Array);
    expect(position.data.every((v) => Number.isFinite(v))).toBe(true);
  });

  it('converts F16 and BF16 to float32 exactly, on known bit patterns', () => {
    const bytes = handMade([
      // 1, -2, 0.5, 65504 (max half), 2^-24 (smallest subnormal), 1/3 rounded, +inf, -0
      { name: 'half', dtype: 'F16', shape: [8], bytes: u16([0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001, 0x3555, 0x7c00, 0x8000]) },
      // 1, -2, 3.140625, 1/3 rounded to bf16
      { name: 'brain', dtype: 'BF16', shape: [2, 2], bytes: u16([0x3f80, 0xc000, 0x4049, 0x3eab]) },
    ]);
    const { tensors } = readSafetensors(bytes);
    expect(tensors.half).toMatchObject({ dtype: 'float32', sourceDtype: 'F16' });
    expect(Array.from(tensors.half!.data)).toEqual([1, -2, 0.5, 65504, 2 ** -24, 0.333251953125, Infinity, -0]);
    expect(tensors.brain).toMatchObject({ dtype: 'float32', sourceDtype: 'BF16', shape: [2, 2] });
    expect(Array.from(tensors.brain!.data)).toEqual([1, -2, 3.140625, 0.333984375]);
    expect(Number.isNaN(readSafetensors(handMade([{ name: 'n', dtype: 'F16', shape: [1], bytes: u16([0x7e00]) }])).tensors.n!.data[0])).toBe(true);
  });

  it('narrows I64 to int32 and keeps U8 / BOOL as bytes', () => {
    const bytes = handMade([
      { name: 'ids', dtype: 'I64', shape: [3], bytes: new Uint8Array(BigInt64Array.from([0n, -5n, 2147483647n]).buffer) },
      { name: 'mask', dtype: 'BOOL', shape: [3], bytes: Uint8Array.from([1, 0, 1]) },
      { name: 'pixels', dtype: 'U8', shape: [2], bytes: Uint8Array.from([0, 255]) },
    ]);
    const { tensors } = readSafetensors(bytes);
    expect(tensors.ids!.dtype).toBe('int32');
    expect(Array.from(tensors.ids!.data)).toEqual([0, -5, 2147483647]);
    expect(tensors.mask!.dtype).toBe('bool');
    expect(Array.from(tensors.mask!.data)).toEqual([1, 0, 1]);
    expect(tensors.pixels!.dtype).toBe('uint8');
    expect(Array.from(tensors.pixels!.data)).toEqual([0, 255]);
  });

  it('reads tensors at unaligned offsets (a header not padded to 8 bytes)', () => {
    const bytes = handMade([{ name: 'w', dtype: 'F32', shape: [2], bytes: new Uint8Array(Float32Array.from([1.5, -3]).buffer) }]);
    expect((bytes.length - 8) % 4).not.toBe(0);
    expect(Array.from(readSafetensors(bytes).tensors.w!.data)).toEqual([1.5, -3]);
  });
});

describe('errors name the file and the tensor', () => {
  const fixture = () => readFileSync(join(FIXTURES, 'clip-vision/model.safetensors'));

  it('a truncated file', () => {
    const whole = fixture();
    const dir = tempDir();
    const path = join(dir, 'model.safetensors');
    writeFileSync(path, whole.subarray(0, whole.length - 100));
    expect(() => SafetensorsFile.open(path)).toThrow(
      `${path}: tensor "pre_layrnorm.weight" ends at data byte 322560 but the file holds only 322460 data bytes: ` +
        'the file is truncated; re-download or re-save it',
    );
    expect(() => SafetensorsFile.open(whole.subarray(0, 1000), 'cut.safetensors')).toThrow(
      'cut.safetensors: truncated: the header needs 3832 bytes but only 992 follow; re-download or re-save the file',
    );
    expect(() => SafetensorsFile.open(whole.subarray(0, 5), 'tiny.safetensors')).toThrow(
      'tiny.safetensors: truncated: 5 bytes, but a safetensors file starts with an 8-byte header length',
    );
    expect(() => SafetensorsFile.open(whole.subarray(0, 5), 'tiny.safetensors')).toThrow(
      expect.objectContaining({ code: 'INVALID_DATA', details: { file: 'tiny.safetensors' } }),
    );
  });

  it('bad header JSON', () => {
    const bytes = Buffer.concat([Buffer.from([9, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{"w": oops')]);
    expect(() => SafetensorsFile.open(bytes, 'bad.safetensors')).toThrow(
      /^bad\.safetensors: bad header JSON \(.*\); the file is damaged or not a safetensors file$/,
    );
  });

  it('a file that is not safetensors at all', () => {
    expect(() => SafetensorsFile.open(Buffer.from('PK\u0003\u0004 this is a zip file'), 'pytorch_model.bin')).toThrow(
      /^pytorch_model\.bin: not a safetensors file/,
    );
  });

  it('a byte span that does not match dtype and shape', () => {
    const bytes = handMade([{ name: 'w', dtype: 'F32', shape: [3], bytes: new Uint8Array(8) }]);
    expect(() => SafetensorsFile.open(bytes, 'x.safetensors')).toThrow(
      'x.safetensors: tensor "w": F32 [3] needs 12 bytes but data_offsets span 8',
    );
  });

  it('an I64 value outside int32 and an unsupported dtype', () => {
    const bytes = handMade([
      { name: 'big', dtype: 'I64', shape: [2], bytes: new Uint8Array(BigInt64Array.from([1n, 2n ** 40n]).buffer) },
      { name: 'fp8', dtype: 'F8_E4M3', shape: [2], bytes: new Uint8Array(2) },
    ]);
    const file = SafetensorsFile.open(bytes, 'ids.safetensors');
    expect(() => file.read('big')).toThrow(
      'ids.safetensors: tensor "big" (I64) holds 1099511627776 at index 1, outside the int32 range the engine uses',
    );
    expect(() => file.read('fp8')).toThrow(/^ids\.safetensors: tensor "fp8" has dtype F8_E4M3, which this reader does not decode/);
    expect(() => file.read('nope')).toThrow('ids.safetensors: no tensor named "nope"');
  });
});

describe('loadSafetensorsFolder', () => {
  function writeShards(dir: string): void {
    writeFileSync(join(dir, 'model-00001-of-00002.safetensors'), writeSafetensors({ a: { dtype: 'F32', shape: [2], data: [1, 2] } }));
    writeFileSync(
      join(dir, 'model-00002-of-00002.safetensors'),
      writeSafetensors({ b: { dtype: 'F32', shape: [1, 1], data: [3] }, unlisted: { dtype: 'F32', shape: [1], data: [0] } }),
    );
  }
  const index = (weightMap: Record<string, string>) =>
    JSON.stringify({ metadata: { total_size: 12 }, weight_map: weightMap });

  it('reads a sharded checkpoint through its index', () => {
    const dir = tempDir();
    writeShards(dir);
    writeFileSync(
      join(dir, 'model.safetensors.index.json'),
      index({ a: 'model-00001-of-00002.safetensors', b: 'model-00002-of-00002.safetensors' }),
    );
    const source = loadSafetensorsFolder(dir);
    expect(source.location).toBe(join(dir, 'model.safetensors.index.json'));
    expect(source.names()).toEqual(['a', 'b']);
    expect(source.fileOf('b')).toBe(join(dir, 'model-00002-of-00002.safetensors'));
    expect(Array.from(source.read('a').data)).toEqual([1, 2]);
    expect(source.read('b').shape).toEqual([1, 1]);
    expect(source.metadata()).toEqual({ total_size: '12' });
  });

  it('prefers model.safetensors, and says what is missing', () => {
    const dir = tempDir();
    expect(() => loadSafetensorsFolder(dir)).toThrow(`${dir}: no model.safetensors or model.safetensors.index.json found.`);
    writeFileSync(join(dir, 'model.safetensors'), writeSafetensors({ only: { dtype: 'F32', shape: [1], data: [4] } }));
    writeFileSync(join(dir, 'model.safetensors.index.json'), index({ a: 'gone.safetensors' }));
    expect(loadSafetensorsFolder(dir).names()).toEqual(['only']);
  });

  it('a missing shard and a tensor not in its shard', () => {
    const dir = tempDir();
    writeShards(dir);
    const indexPath = join(dir, 'model.safetensors.index.json');
    writeFileSync(indexPath, index({ a: 'model-00001-of-00002.safetensors', c: 'model-00003-of-00003.safetensors' }));
    expect(() => loadSafetensorsFolder(dir)).toThrow(
      `${indexPath}: shard "model-00003-of-00003.safetensors" (holding "c") is missing from ${dir}; download every shard`,
    );
    writeFileSync(indexPath, index({ b: 'model-00001-of-00002.safetensors' }));
    expect(() => loadSafetensorsFolder(dir)).toThrow(
      `${indexPath}: tensor "b" is mapped to model-00001-of-00002.safetensors, which does not contain it`,
    );
    writeFileSync(indexPath, index({ a: '../elsewhere.safetensors' }));
    expect(() => loadSafetensorsFolder(dir)).toThrow('maps to "../elsewhere.safetensors", not a file name in this folder');
  });
});

/** The bytes of a file with this header (JSON given as text, so it can be anything) and data section. */
function withHeader(headerText: string, data: Uint8Array): Buffer {
  const json = Buffer.from(headerText);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([length, json, Buffer.from(data)]);
}

describe('the header is validated whole, as the reference implementation does', () => {
  const refused = (bytes: Uint8Array, message: string, details: Record<string, string>) => {
    expect(() => SafetensorsFile.open(bytes, 'm.safetensors')).toThrow(message);
    expect(() => SafetensorsFile.open(bytes, 'm.safetensors')).toThrow(
      expect.objectContaining({ code: 'INVALID_DATA', message, details: { file: 'm.safetensors', ...details } }),
    );
  };
  const f32 = (values: number[]) => new Uint8Array(Float32Array.from(values).buffer);

  it('a header length one byte short (the data would shift by a byte: all-NaN outputs)', () => {
    const whole = Buffer.from(readFileSync(join(FIXTURES, 'clip-vision/model.safetensors')));
    whole.writeBigUInt64LE(whole.readBigUInt64LE(0) - 1n, 0);
    refused(whole,
      'm.safetensors: the tensors cover 322560 data bytes but 322561 follow the header: ' +
        'the header length or the data_offsets are wrong; re-download or re-save the file',
      {},
    );
  });

  it('overlapping tensors, a gap between tensors, and data no tensor claims', () => {
    const overlap = withHeader(JSON.stringify({
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
    }), new Uint8Array(12));
    refused(overlap, 'm.safetensors: tensor "b" starts at data byte 4, inside tensor "a" (bytes 0 to 8): tensors must not overlap', { tensor: 'b', field: 'data_offsets' });
    const gap = withHeader(JSON.stringify({
      a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
      b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] },
    }), new Uint8Array(12));
    refused(gap, 'm.safetensors: tensor "b" starts at data byte 8, but the tensors before it end at 4: 4 bytes belong to no tensor', { tensor: 'b', field: 'data_offsets' });
    const tail = withHeader(JSON.stringify({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }), new Uint8Array(6));
    refused(tail,
      'm.safetensors: the tensors cover 4 data bytes but 6 follow the header: the header length or the data_offsets are wrong; re-download or re-save the file',
      {},
    );
  });

  it('tensors listed out of offset order are read by their offsets (Python writes them so)', () => {
    const bytes = withHeader(JSON.stringify({
      a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
      b: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
    }), f32([2, 1]));
    const { tensors } = readSafetensors(bytes);
    expect(Array.from(tensors.a!.data)).toEqual([1]);
    expect(Array.from(tensors.b!.data)).toEqual([2]);
  });

  it('an unknown dtype, a bad shape, bad offsets, an element count past 2^53', () => {
    const one = (entry: unknown, data = new Uint8Array(4)) => withHeader(JSON.stringify({ w: entry }), data);
    refused(one({ dtype: 'F33', shape: [1], data_offsets: [0, 4] }),
      'm.safetensors: tensor "w": unknown dtype "F33" (known: BOOL, U8, I8, F8_E5M2, F8_E4M3, F8_E8M0, I16, U16, F16, BF16, I32, U32, F32, I64, U64, F64, F4, F6_E2M3, F6_E3M2)',
      { tensor: 'w', field: 'dtype' });
    refused(one({ dtype: 'F32', shape: [1.5], data_offsets: [0, 4] }),
      'm.safetensors: tensor "w": shape must be a list of non-negative integers, got [1.5]', { tensor: 'w', field: 'shape' });
    refused(one({ dtype: 'F32', shape: [-1], data_offsets: [0, 4] }),
      'm.safetensors: tensor "w": shape must be a list of non-negative integers, got [-1]', { tensor: 'w', field: 'shape' });
    refused(one({ dtype: 'F32', shape: [1], data_offsets: [4, 0] }),
      'm.safetensors: tensor "w": data_offsets must be [begin, end] with 0 ≤ begin ≤ end, got [4,0]', { tensor: 'w', field: 'data_offsets' });
    refused(one({ dtype: 'F32', shape: [1], data_offsets: [0] }),
      'm.safetensors: tensor "w": data_offsets must be [begin, end] with 0 ≤ begin ≤ end, got [0]', { tensor: 'w', field: 'data_offsets' });
    refused(one({ dtype: 'F32', shape: [2 ** 30, 2 ** 30, 2 ** 30], data_offsets: [0, 4] }),
      'm.safetensors: tensor "w": shape [1073741824,1073741824,1073741824] has more elements than any file can hold', { tensor: 'w', field: 'shape' });
    refused(one({ dtype: 'F4', shape: [3], data_offsets: [0, 4] }),
      'm.safetensors: tensor "w": 3 elements of F4 (4 bits each) do not fill whole bytes', { tensor: 'w', field: 'shape' });
    refused(one({ dtype: 'F32', shape: [2], data_offsets: [0, 4] }),
      'm.safetensors: tensor "w": F32 [2] needs 8 bytes but data_offsets span 4', { tensor: 'w', field: 'data_offsets' });
  });

  it('a header that is not UTF-8, not an object, or with a bad __metadata__', () => {
    refused(withHeader('{"w\xff":1}', new Uint8Array(0)).fill(0xff, 11, 12),
      'm.safetensors: the header is not valid UTF-8; the file is damaged or not a safetensors file', {});
    refused(withHeader('[1,2]', new Uint8Array(0)), 'm.safetensors: bad header JSON: expected an object of tensors', {});
    refused(withHeader(JSON.stringify({ __metadata__: { format: 1 } }), new Uint8Array(0)),
      'm.safetensors: bad header JSON: "__metadata__" must map strings to strings', { field: '__metadata__' });
    refused(withHeader(JSON.stringify({ w: 3 }), new Uint8Array(0)),
      'm.safetensors: tensor "w": bad header entry (expected {dtype, shape, data_offsets})', { tensor: 'w' });
  });

  it('a header length over 100 MB is refused before anything is read', () => {
    const bytes = Buffer.alloc(16);
    bytes.writeBigUInt64LE(100_000_001n, 0);
    refused(bytes, 'm.safetensors: not a safetensors file (its first 8 bytes announce a 100000001-byte header, over the 100 MB limit)', {});
  });

  it('a valid file still loads bit-exact', () => {
    const path = join(FIXTURES, 'clip-vision/model.safetensors');
    const whole = readFileSync(path);
    const file = SafetensorsFile.open(path);
    for (const name of file.names()) {
      const { dataOffsets: [begin, end] } = file.info(name);
      const raw = whole.subarray(file.header.dataStart + begin, file.header.dataStart + end);
      expect(Buffer.from(file.read(name).data.buffer).equals(raw), name).toBe(true);
    }
  });
});
