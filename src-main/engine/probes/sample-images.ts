// A probe on part of a large dataset (`pivot probe … --images N`). Which part depends on the layout: a Shapes
// world's images are independent draws and an images/ + masks/ folder has no image labels, so their first N images
// serve (`firstImages`); class folders are listed class by class, so their first N would be the first classes only —
// they are sampled in proportion to each class (and each fixed split), as a stratified split does.
import { firstImages, type ProbeDataset, type ProbeItem } from './image-folder';

/** Splits `count` over groups of the given sizes in proportion, by largest remainder (ties: the earlier group). */
export function proportionalCounts(sizes: readonly number[], count: number): number[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  if (count >= total) return [...sizes];
  const exact = sizes.map((n) => (n * count) / total);
  const counts = exact.map(Math.floor);
  let left = count - counts.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left === 0) break;
    counts[i] = (counts[i] as number) + 1;
    left--;
  }
  return counts;
}

/** Class folders: per (split, class) group its first images, in proportion to the group's size; folder order kept. */
function stratified(dataset: ProbeDataset, count: number): ProbeDataset {
  const groups = new Map<string, ProbeItem[]>();
  for (const item of dataset.items) {
    const key = `${item.split ?? ''}/${item.label ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  const lists = [...groups.values()];
  const counts = proportionalCounts(lists.map((g) => g.length), count);
  const kept = new Set(lists.flatMap((g, i) => g.slice(0, counts[i])));
  return { ...dataset, items: dataset.items.filter((item) => kept.has(item)), imagesInFolder: dataset.imagesInFolder ?? dataset.items.length };
}

/** At most `count` of the dataset's images, chosen as its layout allows (see above); all of it when it holds no more. */
export function sampleImages(dataset: ProbeDataset, count: number): ProbeDataset {
  if (dataset.items.length <= count) return dataset;
  return dataset.layout === 'class-folders' ? stratified(dataset, count) : firstImages(dataset, count);
}
