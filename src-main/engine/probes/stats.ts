// Small numerical helpers every probe shares: seeded splits and mean ± std over seeds, so that "seed s" means the
// same split and the same order in every measurement.
import type { Rng } from '../random';

export { meanStd, type MeanStd } from '../../../src-shared/stats/mean-std';

/**
 * Splits `indices` into (rest, held) with `fraction` of every class held out (rounded, at least one
 * where the class has two or more members), so small classes are represented on both sides.
 */
export function stratifiedSplit(
  indices: readonly number[],
  labels: ArrayLike<number>,
  fraction: number,
  rng: Rng,
): { rest: number[]; held: number[] } {
  const byClass = new Map<number, number[]>();
  for (const i of indices) {
    const label = labels[i] as number;
    const members = byClass.get(label) ?? [];
    members.push(i);
    byClass.set(label, members);
  }
  const rest: number[] = [];
  const held: number[] = [];
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = rng.shuffle([...(byClass.get(label) as number[])]);
    let take = Math.round(members.length * fraction);
    if (take === 0 && members.length >= 2 && fraction > 0) take = 1;
    if (take >= members.length) take = members.length - 1;
    held.push(...members.slice(0, take));
    rest.push(...members.slice(take));
  }
  return { rest: rest.sort((a, b) => a - b), held: held.sort((a, b) => a - b) };
}
