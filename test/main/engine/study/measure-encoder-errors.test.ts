// Data a study cannot measure is the user's to fix, not a bug: it reaches them as INVALID_DATA (not INTERNAL, which
// the CLI reports as a bug), with the message saying what is missing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captionsOf } from '../../../../src-main/engine/study';
import type { ProbeDataset } from '../../../../src-main/engine/probes/image-folder';
import { PivotError } from '../../../../src-shared/errors';

const root = mkdtempSync(join(tmpdir(), 'pivot-captions-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const dataset = (layout: ProbeDataset['layout'], images: number): ProbeDataset => ({
  layout, root, labelNames: [], maskClassNames: [], ignoreIndex: 255,
  items: Array.from({ length: images }, (_, i) => ({ id: `img${i}`, image: join(root, `img${i}.png`) }) as ProbeDataset['items'][number]),
});

function thrown(f: () => unknown): PivotError {
  try {
    f();
  } catch (err) {
    if (err instanceof PivotError) return err;
    throw err;
  }
  throw new Error('did not throw');
}

describe('captionsOf', () => {
  it('refuses a folder without captions as INVALID_DATA', () => {
    const err = thrown(() => captionsOf(dataset('class-folders', 2)));
    expect(err.code).toBe('INVALID_DATA');
    expect(err.message).toBe(`${root}: alignment needs a caption per image (a Shapes world's captions.jsonl)`);
  });

  it('names the line of a caption that is missing', () => {
    writeFileSync(join(root, 'captions.jsonl'), '{"image":"img0.png","caption":"a red circle"}\n{"image":"img1.png","caption":""}\n');
    const err = thrown(() => captionsOf(dataset('shapes-world', 2)));
    expect(err.toJSON()).toEqual({ code: 'INVALID_DATA', message: `${join(root, 'captions.jsonl')}: line 2 has no "caption"`, details: { file: join(root, 'captions.jsonl'), line: 2 } });
  });

  it("gives each image its own caption, by image, when a probe measures only some of the world's images", () => {
    const lines = ['{"image":"img0.png","caption":"a red circle"}', '{"image":"img1.png","caption":"a blue square"}', '{"image":"img2.png","caption":"two crosses"}'];
    writeFileSync(join(root, 'captions.jsonl'), `${lines.join('\n')}\n`);
    const some = dataset('shapes-world', 3);
    expect(captionsOf(some)).toEqual(['a red circle', 'a blue square', 'two crosses']);
    expect(captionsOf({ ...some, items: [some.items[2]!, some.items[0]!] })).toEqual(['two crosses', 'a red circle']);
  });

  it('names the image that has no caption, and the line that is not JSON', () => {
    writeFileSync(join(root, 'captions.jsonl'), '{"image":"img0.png","caption":"a red circle"}\n');
    const missing = thrown(() => captionsOf(dataset('shapes-world', 2)));
    expect(missing.toJSON()).toEqual({ code: 'INVALID_DATA', message: `${join(root, 'captions.jsonl')}: no caption for ${join(root, 'img1.png')}`, details: { file: join(root, 'captions.jsonl') } });
    writeFileSync(join(root, 'captions.jsonl'), '{"image":"img0.png","caption":"a red circle"}\n{"image":\n');
    expect(thrown(() => captionsOf(dataset('shapes-world', 1))).message).toBe(`${join(root, 'captions.jsonl')}: line 2 is not valid JSON`);
  });
});
