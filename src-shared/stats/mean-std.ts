// Mean ± sample std of a list of measurements: what every probe reports over its seeds and every difference is built
// from, in the engine and the window alike.

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
