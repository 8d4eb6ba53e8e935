// How many of a world's images the study's and the sweep's probes measure; its own file so that the CLI's help can
// name the default without loading the engine.

/**
 * The study's and the sweep's probes measure at most this many of the world's images (its first). At 2000 a probe's
 * 20 % test split holds 400 images, one image 0.25 % of a score; past it the cost grows faster than the count (on 2
 * cores, one encoder, one probe seed: linear 17 s and alignment 11 s at 2000, about 9 and 15 times that at 8000;
 * bench/probe-cost.ts, bench/RESULTS.md).
 */
export const STUDY_PROBE_IMAGES = 2000;
