// `--images N` on a large probe dataset: class folders sampled in proportion to each class and each fixed split
// (largest remainder, worked by hand below), other layouts their first N images, and the folder's size kept.
import { describe, expect, it } from 'vitest';
import type { ProbeDataset, ProbeItem } from '../../../../src-main/engine/probes/image-folder';
import { proportionalCounts, sampleImages } from '../../../../src-main/engine/probes/sample-images';

/** Class folders as classFolderDataset lists them: class by class, each image `<class>/<i>.png`. */
function classFolders(sizes: Record<string, number>, split?: 'train' | 'test'): ProbeItem[] {
  return Object.entries(sizes).flatMap(([name, n], label) =>
    Array.from({ length: n }, (_, i) => ({ id: `${name}/${i}.png`, image: `/d/${name}/${i}.png`, label, ...(split ? { split } : {}) })),
  );
}

const dataset = (layout: ProbeDataset['layout'], items: ProbeItem[]): ProbeDataset => ({ layout, root: '/d', items, labelNames: [], maskClassNames: [], ignoreIndex: 255 });

describe('sampleImages', () => {
  it('splits a count in proportion, by largest remainder', () => {
    // 5 of (6, 3, 1): exact 3, 1.5, 0.5 → 3, 1, 0 and one left, to the earlier of the tied remainders.
    expect(proportionalCounts([6, 3, 1], 5)).toEqual([3, 2, 0]);
    // 7 of (10, 10, 10): 2.33 each → 2, 2, 2 and one left → the first.
    expect(proportionalCounts([10, 10, 10], 7)).toEqual([3, 2, 2]);
    expect(proportionalCounts([4, 1], 9)).toEqual([4, 1]);
  });

  it('samples class folders in proportion to each class, the first images of each, in folder order', () => {
    const all = dataset('class-folders', classFolders({ cat: 6, dog: 3, owl: 1 }));
    const sample = sampleImages(all, 5);
    expect(sample.items.map((i) => i.id)).toEqual(['cat/0.png', 'cat/1.png', 'cat/2.png', 'dog/0.png', 'dog/1.png']);
    expect(sample.imagesInFolder).toBe(10);
    // Not the first 5 images, which would be cats only.
    expect(new Set(sample.items.map((i) => i.label))).toEqual(new Set([0, 1]));
  });

  it('keeps a fixed test split in proportion too', () => {
    const all = dataset('class-folders', [...classFolders({ cat: 8, dog: 8 }, 'train'), ...classFolders({ cat: 2, dog: 2 }, 'test')]);
    const sample = sampleImages(all, 10);
    expect(sample.items.filter((i) => i.split === 'train').map((i) => i.id)).toEqual(['cat/0.png', 'cat/1.png', 'cat/2.png', 'cat/3.png', 'dog/0.png', 'dog/1.png', 'dog/2.png', 'dog/3.png']);
    expect(sample.items.filter((i) => i.split === 'test').map((i) => i.id)).toEqual(['cat/0.png', 'dog/0.png']);
  });

  it('takes the first images of a Shapes world or an images/ + masks/ folder, and all of a dataset no larger than asked', () => {
    const items = classFolders({ a: 3, b: 3 });
    for (const layout of ['shapes-world', 'segmentation-folders'] as const) {
      const sample = sampleImages(dataset(layout, items), 4);
      expect(sample.items).toEqual(items.slice(0, 4));
      expect(sample.imagesInFolder).toBe(6);
    }
    const whole = dataset('class-folders', items);
    expect(sampleImages(whole, 6)).toBe(whole);
  });
});
