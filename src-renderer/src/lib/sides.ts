// Position-bias guard: with "randomise sides" on, each pair shows its chosen answer on the left or the right by a
// seeded hash of its id — stable for that pair (every visit, every reload with the same seed), about half each way.
// The labels travel with the answers, so Chosen is always labelled Chosen.

export type AnswerRole = 'chosen' | 'rejected';

/** murmur3's 32-bit finaliser. */
function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of the pair id under the seed. */
export function mix32(id: number, seed: number): number {
  return fmix32((Math.imul(id | 0, 0x9e3779b1) + fmix32(seed | 0)) >>> 0);
}

/** Whether the chosen answer goes on the left for this pair. Without randomisation it always does. */
export function chosenOnLeft(pairId: number, seed: number, randomise = true): boolean {
  if (!randomise) return true;
  return mix32(pairId, seed) >>> 31 === 0;
}

export interface PlacedAnswer {
  role: AnswerRole;
  text: string;
  side: 'left' | 'right';
}

/** The two answers of a pair in display order, each with its true role. */
export function placeAnswers(
  pair: { id: number; chosen: string; rejected: string },
  seed: number,
  randomise: boolean,
): [PlacedAnswer, PlacedAnswer] {
  const chosen = { role: 'chosen' as const, text: pair.chosen };
  const rejected = { role: 'rejected' as const, text: pair.rejected };
  return chosenOnLeft(pair.id, seed, randomise)
    ? [{ ...chosen, side: 'left' }, { ...rejected, side: 'right' }]
    : [{ ...rejected, side: 'left' }, { ...chosen, side: 'right' }];
}
