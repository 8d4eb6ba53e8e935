// The backend's best plain matmul throughput, measured in the same process as the step it is compared with:
// the "ceiling" a training step's matmul FLOPs could reach if every kernel ran as fast as a large plain matmul.
import * as tf from '../backend/tf';

export interface MatmulCeiling {
  /** The best GFLOP/s over the sizes tried, and the size that gave it. */
  gflops: number;
  size: [number, number, number];
  /** GFLOP/s per size tried (M×K×N). */
  perSize: Array<{ size: [number, number, number]; gflops: number }>;
}

/** Plain (untransposed, unbatched) sizes around the shapes of the toy and tiny presets, and larger. */
const SIZES: Array<[number, number, number]> = [
  [512, 256, 256],
  [1024, 256, 1024],
  [1024, 1024, 1024],
];

/** Median seconds of `run` after one warm-up: at least 3 runs, more (up to 15) while under `budgetMs` in all. */
export function medianSeconds(run: () => void, budgetMs = 500): number {
  run();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 3 || (times.length < 15 && performance.now() - start < budgetMs)) {
    const t = performance.now();
    run();
    times.push((performance.now() - t) / 1000);
  }
  return times.sort((x, y) => x - y)[Math.floor(times.length / 2)] as number;
}

/** Measures plain matmuls on the active backend; each result is read back so the timing includes the work. */
export function measureMatmulCeiling(): MatmulCeiling {
  const perSize = SIZES.map((size) => {
    const [m, k, n] = size;
    const a = tf.randomUniform([m, k]);
    const b = tf.randomUniform([k, n]);
    try {
      const seconds = medianSeconds(() => tf.tidy(() => void tf.matMul(a, b).dataSync()));
      return { size, gflops: (2 * m * k * n) / seconds / 1e9 };
    } finally {
      tf.dispose([a, b]);
    }
  });
  const best = perSize.reduce((x, y) => (y.gflops > x.gflops ? y : x));
  return { gflops: best.gflops, size: best.size, perSize };
}
