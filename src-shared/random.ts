// The one seeded random stream and seed hash: the Shapes world, the batch order of training, the probes' splits and
// the bootstrap of a difference's interval (src-shared/stats, run by the engine and the window alike) all draw from
// `Rng`, so "seed s" is reproducible the same way everywhere, on every machine.

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

/** Seeds may exceed 32 bits (any safe integer); both halves enter a hash. */
export function seedWords(seed: number): [number, number] {
  return [seed >>> 0, Math.floor(seed / 4294967296) >>> 0];
}

/**
 * A small seed (0, 1, 2 …) spread over 32 bits so neighbouring seeds start far apart: the probes' seeds, which are
 * small consecutive integers given by the user.
 */
export function spreadSeed(seed: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ 0xc2b2ae35) >>> 0;
}

export class Rng {
  private state: number;
  private spare: number | null = null;

  /** `state` is used as it is (its low 32 bits): pass a hash (`hashWords`, `spreadSeed`) of the user's seed. */
  constructor(state: number) {
    this.state = state >>> 0;
  }

  /** mulberry32: tiny, fast, good enough for procedural content and shuffles. Returns [0, 1). */
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

  /** Fisher–Yates on a copy; the input is left as it was. */
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
