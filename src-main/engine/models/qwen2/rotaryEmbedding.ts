// Rotary position embeddings with transformers' rotate_half convention: the head dimension is
// split into two halves (not interleaved pairs), as Qwen2 and Llama checkpoints expect.
import * as tf from '../../backend/tf';

/** cos and sin tables, each [B or 1, 1, T, headDim], ready to broadcast over [B, heads, T, headDim]. */
export interface RotaryTables {
  cos: tf.Tensor4D;
  sin: tf.Tensor4D;
}

/**
 * Angles position·θ^(−2i/headDim), duplicated over both halves (`torch.cat((freqs, freqs), -1)`).
 * Computed in float64 and rounded once, slightly more exact than transformers' float32 path.
 * @param positions one row of positions per batch element (or a single row shared by all)
 */
export function rotaryTables(positions: ArrayLike<number>[], headDim: number, theta: number): RotaryTables {
  const half = headDim / 2;
  const time = positions[0]?.length ?? 0;
  const invFreq = Array.from({ length: half }, (_, i) => 1 / theta ** ((2 * i) / headDim));
  const cos = new Float32Array(positions.length * time * headDim);
  const sin = new Float32Array(cos.length);
  positions.forEach((row, b) => {
    for (let t = 0; t < time; t++) {
      for (let i = 0; i < half; i++) {
        const angle = row[t] * invFreq[i];
        const at = (b * time + t) * headDim + i;
        cos[at] = cos[at + half] = Math.cos(angle);
        sin[at] = sin[at + half] = Math.sin(angle);
      }
    }
  });
  const shape: [number, number, number, number] = [positions.length, 1, time, headDim];
  return { cos: tf.tensor4d(cos, shape), sin: tf.tensor4d(sin, shape) };
}

/** x·cos + rotate_half(x)·sin for x [B, heads, T, headDim], rotate_half(x) = [−x₂, x₁]. */
export function applyRotary(x: tf.Tensor, tables: RotaryTables): tf.Tensor {
  return tf.tidy(() => {
    const [first, second] = tf.split(x, 2, -1);
    const rotated = tf.concat([tf.neg(second), first], -1);
    return tf.add(tf.mul(x, tables.cos), tf.mul(rotated, tables.sin));
  });
}
