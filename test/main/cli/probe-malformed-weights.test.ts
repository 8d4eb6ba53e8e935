// `pivot probe linear` on an encoder whose model.safetensors is malformed fails with exit 65 (a bad input file) and
// the reader's message, instead of probing shifted or shared bytes and reporting an accuracy (issue 13, item 5).
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../engine/models/vision/helpers';
import { removeTemp, smallWorld, tempFolder } from '../engine/train/helpers';
import { startPivot } from './run-pivot';

const root = tempFolder('probe-malformed');
const world = join(root, 'world');

/** The CLIP fixture with its model.safetensors bytes edited. */
function encoderWith(name: string, edit: (bytes: Buffer) => Buffer): string {
  const dir = join(root, name);
  mkdirSync(dir);
  copyFileSync(join(FIXTURES, 'clip-vision/config.json'), join(dir, 'config.json'));
  writeFileSync(join(dir, 'model.safetensors'), edit(Buffer.from(readFileSync(join(FIXTURES, 'clip-vision/model.safetensors')))));
  return dir;
}

beforeAll(async () => {
  await smallWorld(world, 12);
});
afterAll(() => removeTemp(root));

describe('pivot probe linear on malformed weights', () => {
  it('a header length one byte short: exit 65, no accuracy', async () => {
    const encoder = encoderWith('short-header', (bytes) => {
      bytes.writeBigUInt64LE(bytes.readBigUInt64LE(0) - 1n, 0);
      return bytes;
    });
    const { code, stdout, stderr } = await startPivot(['probe', 'linear', '--encoder', encoder, '--data', world, '--seeds', '1', '--backend', 'cpu']).done;
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `pivot: ${join(encoder, 'model.safetensors')}: the tensors cover 322560 data bytes but 322561 follow the header: ` +
        'the header length or the data_offsets are wrong; re-download or re-save the file\n',
    );
    expect(code).toBe(65);
  }, 60_000);

  it("a tensor's offsets moved into the next tensor: exit 65, the tensor named", async () => {
    // The class embedding (64 floats, bytes 0 to 256) moved 4 bytes on overlaps the patch embedding and leaves 4 bytes unread.
    const encoder = encoderWith('overlap', (bytes) => {
      const length = Number(bytes.readBigUInt64LE(0));
      const header = JSON.parse(bytes.subarray(8, 8 + length).toString()) as Record<string, { data_offsets: number[] }>;
      const [begin, end] = header['embeddings.class_embedding']!.data_offsets as [number, number];
      const shifted = `"data_offsets":[${begin + 4},${end + 4}]`;
      const text = bytes.subarray(8, 8 + length).toString().replace(`"data_offsets":[${begin},${end}]`, shifted);
      return Buffer.concat([bytes.subarray(0, 8), Buffer.from(text), bytes.subarray(8 + length)]);
    });
    const { code, stdout, stderr } = await startPivot(['probe', 'linear', '--encoder', encoder, '--data', world, '--seeds', '1', '--backend', 'cpu', '--json']).done;
    expect(stderr).toBe(
      `pivot: ${join(encoder, 'model.safetensors')}: tensor "embeddings.class_embedding" starts at data byte 4, ` +
        'but the tensors before it end at 0: 4 bytes belong to no tensor\n',
    );
    expect(stdout).not.toContain('accuracy');
    expect(code).toBe(65);
  }, 60_000);
});
