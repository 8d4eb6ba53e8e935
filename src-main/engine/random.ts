// The engine's seeded random stream: the one in src-shared (the window's statistics draw from it too).
export { hashWords, Rng, seedWords, spreadSeed } from '../../src-shared/random';
