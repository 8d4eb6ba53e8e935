// Benchmark: the fused attention kernels (forward + gradient) against attention composed from matmul, softmax and
// elementwise kernels, on the native CPU backend at the presets' shapes, two ways: straight through the addon, the
// composed side at its best (no tfjs dispatch, no K/V head copies, scale folded into the BLAS products), and through
// tfjs as training runs them (scaledDotProductAttention's composed ops and their gradients). On a shared machine,
// PIVOT_BENCH_CLOCK=cpu with one thread times the process's CPU time: the work itself, whatever else runs.
// Run: `PIVOT_BENCH_CLOCK=cpu npx tsx bench/fused-attention.ts [threads]`.
import { loadNativeAddon } from '../src-main/engine/backend/native/addon';
import { fusedAttention } from '../src-main/engine/backend/native/fused/attention';
import { BINARY, REDUCE } from '../src-main/engine/backend/native/ops';
import { selectBackend } from '../src-main/engine/backend/select';
import * as tf from '../src-main/engine/backend/tf';
import { composedAttention } from '../src-main/engine/nn/attention';

const loaded = loadNativeAddon();
if (!('addon' in loaded)) throw new Error(loaded.error);
const addon = loaded.addon;
if (process.argv[2]) addon.setThreads(Number(process.argv[2]));

interface Shape {
  name: string;
  batch: number;
  heads: number;
  kvHeads: number;
  t: number;
  dim: number;
  causal: boolean;
}

// The LMs run causal attention with a padding mask; the vision towers attend to every patch, unmasked. T: image
// tokens plus a question and answer of about 22 tokens; base: ViT-B/16 at 224 px (196 patches), Qwen2.5-0.5B heads.
const SHAPES: Shape[] = [
  { name: 'toy ViT', batch: 8, heads: 4, kvHeads: 4, t: 16, dim: 16, causal: false },
  { name: 'toy LM', batch: 8, heads: 4, kvHeads: 2, t: 38, dim: 16, causal: true },
  { name: 'small ViT', batch: 8, heads: 4, kvHeads: 4, t: 64, dim: 16, causal: false },
  { name: 'small LM', batch: 8, heads: 4, kvHeads: 2, t: 86, dim: 16, causal: true },
  { name: 'tiny ViT', batch: 8, heads: 3, kvHeads: 3, t: 64, dim: 64, causal: false },
  { name: 'tiny LM', batch: 8, heads: 4, kvHeads: 2, t: 86, dim: 64, causal: true },
  { name: 'LM, T=256', batch: 8, heads: 4, kvHeads: 2, t: 256, dim: 64, causal: true },
  { name: 'base ViT', batch: 8, heads: 12, kvHeads: 12, t: 196, dim: 64, causal: false },
  { name: 'base LM', batch: 8, heads: 14, kvHeads: 2, t: 220, dim: 64, causal: true },
  { name: 'base LM, T=600', batch: 8, heads: 14, kvHeads: 2, t: 600, dim: 64, causal: true },
];

/** Every batch row but the first has its last 5 keys padded (the LMs'); the ViTs have no mask. */
const padded = (s: Shape, i: number): boolean => s.causal && i >= s.t && i % s.t >= s.t - 5;

const CPU = 0;
const buffers: number[] = [];
function buffer(count: number, fill?: (i: number) => number): number {
  const handle = addon.alloc(CPU, count * 4);
  buffers.push(handle);
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = fill ? fill(i) : Math.random() * 2 - 1;
  addon.write(handle, values);
  return handle;
}

/** The two implementations of one shape, each a forward and backward pass over the same inputs. */
function implementations(s: Shape): { fused: () => void; composed: () => void } {
  const { batch, heads, kvHeads, t, dim, causal } = s;
  const group = heads / kvHeads;
  const scale = 1 / Math.sqrt(dim);
  const qSize = batch * heads * t * dim;
  const kvSize = batch * kvHeads * t * dim;
  const q = buffer(qSize), k = buffer(kvSize), v = buffer(kvSize), dO = buffer(qSize);
  const mask = causal ? buffer(batch * t, (i) => (padded(s, i) ? 0 : 1)) : null;
  const out = buffer(qSize), lse = buffer(batch * heads * t), dq = buffer(qSize), dk = buffer(kvSize), dv = buffer(kvSize);
  const fused = (): void => {
    addon.attentionForward(q, k, v, mask, out, lse, batch, heads, kvHeads, t, t, dim, causal, scale);
    addon.attentionBackward(q, k, v, mask, out, lse, dO, dq, dk, dv, batch, heads, kvHeads, t, t, dim, causal, scale);
  };

  // Composed: the query heads of one kv head are consecutive, so each product runs per (batch, kv head) on
  // [group·T, D] blocks, with no repeated K/V.
  const rows = batch * heads * t;
  const scores = buffer(rows * t), probs = buffer(rows * t), dp = buffer(rows * t), rowSum = buffer(rows);
  const causalBias = buffer(t * t, (i) => (i % t > Math.floor(i / t) ? -1e9 : 0));
  const padBias = buffer(batch * t, (i) => (padded(s, i) ? -1e9 : 0));
  const m = group * t;
  const gemm = (a: number, b: number, c: number, ta: boolean, tb: boolean, mm: number, n: number, kk: number, lda: number, sa: number, ldb: number, sb: number, ldc: number, sc: number, alpha: number) =>
    addon.gemm(a, b, c, ta, tb, mm, n, kk, lda, sa, ldb, sb, ldc, sc, batch * kvHeads, alpha, 0);
  const composed = (): void => {
    gemm(q, k, scores, false, true, m, t, dim, dim, m * dim, dim, t * dim, t, m * t, scale);
    if (causal) addon.binary(BINARY.add, 0, scores, causalBias, scores, [batch * heads, t * t], [t * t, 1], [0, 1]);
    if (mask !== null) addon.binary(BINARY.add, 0, scores, padBias, scores, [batch, heads * t, t], [heads * t * t, t, 1], [t, 0, 1]);
    addon.softmax(scores, probs, rows, t);
    gemm(probs, v, out, false, false, m, dim, t, t, m * t, dim, t * dim, dim, m * dim, 1);
    // Backward: dP = dO·Vᵀ, dV = Pᵀ·dO, dS = P·(dP − Σ dP·P), dQ = scale·dS·K, dK = scale·dSᵀ·Q.
    gemm(dO, v, dp, false, true, m, t, dim, dim, m * dim, dim, t * dim, t, m * t, 1);
    gemm(probs, dO, dv, true, false, t, dim, m, t, m * t, dim, m * dim, dim, t * dim, 1);
    addon.binary(BINARY.mul, 0, dp, probs, scores, [rows * t], [1], [1]);
    addon.reduce(REDUCE.sum, 0, scores, rowSum, rows, t, 1);
    addon.binary(BINARY.sub, 0, dp, rowSum, dp, [rows, t], [t, 1], [1, 0]);
    addon.binary(BINARY.mul, 0, dp, probs, dp, [rows * t], [1], [1]);
    gemm(dp, k, dq, false, false, m, dim, t, t, m * t, dim, t * dim, dim, m * dim, scale);
    gemm(dp, q, dk, true, false, t, dim, m, t, m * t, dim, m * dim, dim, t * dim, scale);
  };
  return { fused, composed };
}

/**
 * Medians of alternating runs, each pair under the same load. On a shared machine, time the process's CPU time
 * (PIVOT_BENCH_CLOCK=cpu) with one thread: the work itself, whatever else runs.
 */
const clock = process.env.PIVOT_BENCH_CLOCK === 'cpu' ? () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; } : () => performance.now();
function alternate(a: () => void, b: () => void, budgetMs: number): { a: number; b: number; ratio: number } {
  a();
  b();
  const ta: number[] = [], tb: number[] = [], ratios: number[] = [];
  const start = performance.now();
  while (ta.length < 5 || (ta.length < 41 && performance.now() - start < budgetMs)) {
    const t0 = clock();
    a();
    const t1 = clock();
    b();
    const t2 = clock();
    ta.push(t1 - t0);
    tb.push(t2 - t1);
    ratios.push((t1 - t0) / (t2 - t1));
  }
  const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number;
  return { a: median(ta), b: median(tb), ratio: median(ratios) };
}

/** The same through tfjs on the native backend: output and the gradients of q, k, v, read back. */
function throughTfjs(s: Shape): { fused: () => void; composed: () => void; dispose: () => void } {
  const { batch, heads, kvHeads, t, dim, causal } = s;
  const random = (shape: number[]) => tf.randomUniform(shape, -1, 1);
  const [q, k, v, dy] = [random([batch, heads, t, dim]), random([batch, kvHeads, t, dim]), random([batch, kvHeads, t, dim]), random([batch, heads, t, dim])] as tf.Tensor[];
  const keep = causal ? tf.tensor2d(Array.from({ length: batch * t }, (_, i) => (padded(s, i) ? 0 : 1)), [batch, t], 'int32') : undefined;
  const options = { causal, scale: 1 / Math.sqrt(dim), ...(keep ? { keyPaddingMask: keep } : {}) };
  const run = (attend: (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, o: typeof options) => tf.Tensor) => () =>
    tf.tidy(() => {
      const f = (qi: tf.Tensor, ki: tf.Tensor, vi: tf.Tensor) => attend(qi, ki, vi, options);
      const { value, grads } = tf.valueAndGrads(f)([q, k, v] as tf.Tensor[], dy);
      for (const x of [value, ...grads]) x.dataSync();
    });
  return { fused: run(fusedAttention), composed: run(composedAttention), dispose: () => tf.dispose([q, k, v, dy, ...(keep ? [keep] : [])] as tf.Tensor[]) };
}

await selectBackend('native');
console.log(`threads: ${addon.devices().cpu.threads}, BLAS: ${addon.devices().cpu.blas}, clock: ${process.env.PIVOT_BENCH_CLOCK === 'cpu' ? 'CPU time' : 'wall'}`);
console.log('| shape | B×H(kv)×T×D | fused ms | addon composed ms | fused / addon composed | tfjs fused ms | tfjs composed ms | tfjs fused / composed |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|');
for (const s of SHAPES) {
  const direct = implementations(s);
  const a = alternate(direct.fused, direct.composed, 3000);
  while (buffers.length > 0) addon.free(buffers.pop() as number);
  const viaTfjs = throughTfjs(s);
  const b = alternate(viaTfjs.fused, viaTfjs.composed, 3000);
  viaTfjs.dispose();
  const cells = [a.a, a.b, a.ratio, b.a, b.b, b.ratio].map((x) => x.toFixed(2));
  console.log(`| ${s.name} | ${s.batch}×${s.heads}(${s.kvHeads})×${s.t}×${s.dim} | ${cells.join(' | ')} |`);
}
