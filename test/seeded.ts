// Seeded test data that is the same on every backend and every machine (mulberry32), with no test-runner import,
// so both the Vitest suites and the bundled GPU check (test/gpu) use this one generator.

/** `count` uniform values in [0, 1) from `seed`. */
function uniform(count: number, seed: number): Float64Array {
  let s = seed >>> 0;
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  return out;
}

/** `count` seeded values in [-scale, scale). */
export function seeded(count: number, seed: number, scale = 1): Float32Array {
  return Float32Array.from(uniform(count, seed), (u) => (u * 2 - 1) * scale);
}

/** `count` seeded values in [lo, hi). */
export function seededRange(count: number, seed: number, lo: number, hi: number): Float32Array {
  return Float32Array.from(uniform(count, seed), (u) => lo + u * (hi - lo));
}
