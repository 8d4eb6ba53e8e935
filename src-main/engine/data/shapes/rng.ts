// Seeded randomness for the Shapes world. Every image draws from its own streams keyed by
// (seed, index, purpose), so image k never depends on `count` or on what other streams consumed.

/** Independent purposes, so e.g. changing the noise level leaves the scene layout untouched. */
export const STREAMS = { scene: 1, texture: 2, noise: 3, questions: 4, split: 5 } as const;
export type StreamName = keyof typeof STREAMS;

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Avalanche hash of a list of 32-bit words; order matters. */
export function hashWords(words: readonly number[]): number {
  let h = 0x9e3779b9;
  for (const w of words) h = fmix32((Math.imul(h ^ (w >>> 0), 0x01000193) + 0x7f4a7c15) | 0);
  return h;
}

/** Seeds may exceed 32 bits (any safe integer); both halves enter the hash. */
function seedWords(seed: number): [number, number] {
  return [seed >>> 0, Math.floor(seed / 4294967296) >>> 0];
}

export class Rng {
  private state: number;
  private spare: number | null = null;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** mulberry32: tiny, fast, good enough for procedural content. Returns [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), 1 | t);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  float(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.pick: empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Fisher–Yates on a copy. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  }

  /** Standard normal (Box–Muller, pairs cached). */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    const u = 1 - this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

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
