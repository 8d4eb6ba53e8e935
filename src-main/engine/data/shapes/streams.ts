// Seeded randomness for the Shapes world. Every image draws from its own streams keyed by
// (seed, index, purpose), so image k never depends on `count` or on what other streams consumed.
import { hashWords, Rng, seedWords } from '../../random';

/** Independent purposes, so e.g. changing the noise level leaves the scene layout untouched. */
export const STREAMS = { scene: 1, texture: 2, noise: 3, questions: 4, split: 5 } as const;
export type StreamName = keyof typeof STREAMS;

/** 32-bit seed of one stream of one image. */
export function streamSeed(seed: number, index: number, stream: StreamName): number {
  const [lo, hi] = seedWords(seed);
  return hashWords([lo, hi, index >>> 0, STREAMS[stream]]);
}

export function streamRng(seed: number, index: number, stream: StreamName): Rng {
  return new Rng(streamSeed(seed, index, stream));
}

/** A uniform [0, 1) value fixed by (seed, index, stream), e.g. for the train/test split. */
export function unitHash(seed: number, index: number, stream: StreamName): number {
  return streamSeed(seed, index, stream) / 4294967296;
}
