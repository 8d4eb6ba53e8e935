// Exponential moving average smoothing of a metric, as TensorBoard's slider does it: debiased, so the start of the
// curve is not pulled towards zero, and non-finite values passed through without disturbing the average.

/**
 * `weight` in [0, 1): 0 returns the values as they are; 0.9 averages over roughly the last 10 points.
 * smoothed[i] = last_i / (1 − weightⁿ), where last_i = weight · last_{i−1} + (1 − weight) · value_i and n counts the
 * finite values so far.
 */
export function emaSmooth(values: readonly number[], weight: number): number[] {
  if (!(weight >= 0 && weight < 1)) throw new Error(`smoothing weight must be in [0, 1), got ${weight}`);
  let last = 0;
  let count = 0;
  return values.map((value) => {
    if (!Number.isFinite(value)) return value;
    last = last * weight + (1 - weight) * value;
    count += 1;
    return weight === 0 ? value : last / (1 - weight ** count);
  });
}
