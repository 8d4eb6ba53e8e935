// Counting the matmul FLOPs a piece of work really runs, from the kernels tfjs records while profiling, so the
// step benchmark can compare its time with what the backend's best plain matmul would take for the same FLOPs.
import * as tf from '../backend/tf';

const MATMUL_KERNELS = new Set<string>([tf.BatchMatMul, tf._FusedMatMul]);

/**
 * 2·batch·M·N·K of one BatchMatMul from its shapes alone (the profile has no transpose flags): the output is
 * [...batch, M, N], and K is the dimension of `a`'s last two that is not M (when both equal M, K = M too).
 */
export function matmulFlops(a: readonly number[], output: readonly number[]): number {
  if (a.length < 2 || output.length < 2) throw new Error(`matmul shapes [${a.join(', ')}] → [${output.join(', ')}] have fewer than 2 dimensions`);
  const m = output[output.length - 2] as number;
  const n = output[output.length - 1] as number;
  const batch = output.slice(0, -2).reduce((p, d) => p * d, 1);
  const rows = a[a.length - 2] as number;
  const cols = a[a.length - 1] as number;
  const k = rows === m ? cols : rows;
  return 2 * batch * m * n * k;
}

export interface KernelRecord {
  name: string;
  inputShapes: Array<number[] | null>;
  outputShapes: number[][];
}

/** The matmul FLOPs of a list of recorded kernels; every other kernel is left out (elementwise work is small). */
export function countMatmulFlops(kernels: readonly KernelRecord[]): number {
  let flops = 0;
  for (const k of kernels) {
    if (!MATMUL_KERNELS.has(k.name)) continue;
    const a = k.inputShapes[0];
    const out = k.outputShapes[0];
    if (!a || !out) throw new Error(`${k.name}: the profile recorded no input or output shape`);
    flops += matmulFlops(a, out);
  }
  return flops;
}

/** Runs `work` under tf.profile and returns its matmul FLOPs (profiling slows the work; never time it this way). */
export async function profileMatmulFlops(work: () => Promise<unknown>): Promise<number> {
  const info = await tf.profile(async () => {
    await work();
    return [];
  });
  return countMatmulFlops(info.kernels as unknown as KernelRecord[]);
}
