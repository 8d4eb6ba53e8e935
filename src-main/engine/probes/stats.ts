// Small numerical helpers every probe shares: seeded splits and mean ± std over seeds, so that "seed s" means the
// same split and the same order in every measurement.
import type { Rng } from '../random';

/** Mean and sample standard deviation (n − 1; 0 for a single value) of the finite values given. */
export interface MeanStd {
  mean: number;
  std: number;
  /** How many values went in. */
  n: number;
}

export function meanStd(values: readonly number[]): MeanStd {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, std: Number.NaN, n: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, std: 0, n };
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  return { mean, std: Math.sqrt(variance), n };
}

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
