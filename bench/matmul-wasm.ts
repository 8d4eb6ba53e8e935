// Benchmark: matmul layouts on wasm (tfjs's stock kernel and ours) and cpu, the embedding gradient, and one
// training step with and without our BatchMatMul kernel and gradient. Run: `npx tsx bench/matmul-wasm.ts`;
// it prints Markdown tables to paste into bench/RESULTS.md.
import '@tensorflow/tfjs-backend-wasm';
import { cpus } from 'node:os';
import * as tf from '../src-main/engine/backend/tf';

// tfjs's own BatchMatMul kernel and gradient, taken before ours replace them (select.ts registers our kernels;
// the gradient module can only load once tf.ts has set up the resolution of tfjs-core's ES modules).
const stockKernel = tf.getKernel(tf.BatchMatMul, 'wasm');
const stock = await import('@tensorflow/tfjs-core/dist/gradients/BatchMatMul_grad.js');
const { selectBackend } = await import('../src-main/engine/backend/select');
const { medianSeconds } = await import('../src-main/engine/bench/matmul-ceiling');
const ours = await import('../src-main/engine/backend/gradients/BatchMatMul_grad');

type Variant = 'stock' | 'ours';

/** Runs `fn` with tfjs's or our BatchMatMul kernel (wasm) and gradient (every backend); ours are the default. */
function using<T>(kernel: Variant, gradient: Variant, fn: () => T): T {
  const ourKernel = tf.getKernel(tf.BatchMatMul, 'wasm');
  const swapKernel = (config: tf.KernelConfig): void => {
    tf.unregisterKernel(tf.BatchMatMul, 'wasm');
    tf.registerKernel(config);
  };
  if (kernel === 'stock') swapKernel(stockKernel);
  if (gradient === 'stock') tf.registerGradient(stock.batchMatMulGradConfig);
  try {
    return fn();
  } finally {
    if (kernel === 'stock') swapKernel(ourKernel);
    tf.registerGradient(ours.batchMatMulGradConfig);
  }
}

/** Median ms of `fn` (which must read its result back) after a warm-up run, over up to ~1 s of runs. */
const time = (fn: () => void): number => medianSeconds(fn, 1000) * 1000;

function timeOp(op: () => tf.Tensor): number {
  return time(() => tf.tidy(() => void op().dataSync()));
}

const fmt = (x: number, digits = 1): string => x.toFixed(digits);

async function matmulTable(): Promise<string[]> {
  const rows = [
    '| M×K×N | backend | plain | transposeA | transposeB | [8, M/8, K] @ [K, N] | [8, M/8, K] @ [8, K, N] |',
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const [m, k, n] of [[512, 256, 256], [2048, 256, 688]]) {
    for (const [backend, variant] of [['wasm', 'stock'], ['wasm', 'ours'], ['cpu', 'ours']] as const) {
      await selectBackend(backend);
      const a = tf.randomNormal([m, k], 0, 1, 'float32', 1);
      const b = tf.randomNormal([k, n], 0, 1, 'float32', 2);
      const [aT, bT, aBatch] = [tf.transpose(a), tf.transpose(b), tf.reshape(a, [8, m / 8, k])];
      const bBatch = tf.randomNormal([8, k, n], 0, 1, 'float32', 3);
      const gflops = (op: () => tf.Tensor): string => {
        const ms = using(variant, 'ours', () => timeOp(op));
        return fmt((2 * m * k * n) / ms / 1e6);
      };
      const cells = [
        gflops(() => tf.matMul(a, b)),
        gflops(() => tf.matMul(aT, b, true, false)),
        gflops(() => tf.matMul(a, bT, false, true)),
        gflops(() => tf.matMul(aBatch, b)),
        gflops(() => tf.matMul(aBatch, bBatch)),
      ];
      const label = backend === 'cpu' ? 'cpu' : `wasm, ${variant === 'stock' ? "tfjs's kernel" : 'our kernel'}`;
      rows.push(`| ${m}×${k}×${n} | ${label} | ${cells.join(' | ')} |`);
      tf.dispose([a, b, aT, bT, aBatch, bBatch]);
    }
  }
  return rows;
}

async function embeddingGradientTable(): Promise<string[]> {
  await selectBackend('wasm');
  const [tokens, channels, vocab] = [4096, 256, 512];
  const dy = tf.randomNormal([tokens, channels], 0, 1, 'float32', 4);
  const ids = tf.randomUniform([tokens], 0, vocab, 'int32', 5) as tf.Tensor1D;
  const oneHotProduct = (): tf.Tensor => tf.matMul(tf.cast(tf.oneHot(ids, vocab), 'float32'), dy, true, false);
  const segmentSum = (): tf.Tensor => tf.unsortedSegmentSum(dy, ids, vocab);
  const rows = [
    `| embedding gradient on wasm, ${tokens} tokens × ${channels} channels, vocab ${vocab} | ms |`,
    '|---|---:|',
    `| UnsortedSegmentSum (our kernel, JS on the wasm heap) | ${fmt(timeOp(segmentSum), 2)} |`,
    `| one-hotᵀ @ dy (our kernel: explicit transpose + XNNPACK) | ${fmt(timeOp(oneHotProduct), 2)} |`,
    `| one-hotᵀ @ dy (tfjs's kernel, transposed) | ${fmt(using('stock', 'ours', () => timeOp(oneHotProduct)), 2)} |`,
  ];
  tf.dispose([dy, ids]);
  return rows;
}

const STEP = { batch: 8, tokens: 64, channels: 128, heads: 4, hidden: 512, vocab: 512 };

/**
 * ms per Adam step of a one-block transformer LM of STEP's size; its linear layers work on [B·T, C], so that
 * tfjs's own gradient (wrong for [B, T, C] @ [C, D]) can run it too.
 */
function trainingStepMs(): number {
  const { batch: B, tokens: T, channels: C, heads: H, hidden: F, vocab: V } = STEP;
  const d = C / H;
  const shapes = { emb: [V, C], wq: [C, C], wk: [C, C], wv: [C, C], wo: [C, C], w1: [C, F], w2: [F, C], out: [C, V] };
  const p = Object.fromEntries(
    Object.entries(shapes).map(([name, shape], i) => {
      return [name, tf.variable(tf.randomNormal(shape, 0, 0.05, 'float32', i + 1))];
    }),
  ) as Record<keyof typeof shapes, tf.Variable>;
  const tokens = tf.randomUniform([B * T], 0, V, 'int32', 9);
  const targets = tf.randomUniform([B * T], 0, V, 'int32', 10);
  const causal = tf.linalg.bandPart(tf.ones([T, T]), -1, 0).sub(1).mul(1e9);
  const rms = (x: tf.Tensor): tf.Tensor => x.div(x.square().mean(-1, true).add(1e-6).sqrt());
  const heads = (x: tf.Tensor): tf.Tensor => x.reshape([B, T, H, d]).transpose([0, 2, 1, 3]);
  const optimizer = tf.train.adam(1e-3);
  const loss = (): tf.Scalar => {
    const x = tf.gather(p.emb, tokens); // [B·T, C]
    const h = rms(x);
    const scores = tf.matMul(heads(h.matMul(p.wq)), heads(h.matMul(p.wk)), false, true).div(Math.sqrt(d)).add(causal);
    const ctx = tf.matMul(tf.softmax(scores), heads(h.matMul(p.wv))).transpose([0, 2, 1, 3]).reshape([B * T, C]);
    const x2 = x.add(ctx.matMul(p.wo));
    const x3 = x2.add(tf.relu(rms(x2).matMul(p.w1)).matMul(p.w2));
    const logp = tf.logSoftmax(rms(x3).matMul(p.out));
    return tf.neg(tf.mean(tf.sum(tf.cast(tf.oneHot(targets, V), 'float32').mul(logp), -1)));
  };
  const ms = time(() => void optimizer.minimize(loss, true)?.dataSync());
  tf.dispose([...Object.values(p), tokens, targets, causal]);
  optimizer.dispose();
  return ms;
}

async function trainingStepTable(): Promise<string[]> {
  const { batch, tokens, channels, heads, vocab } = STEP;
  const model = `1-block transformer LM, C ${channels}, ${heads} heads, vocab ${vocab}, 0.33M parameters`;
  const rows = [`| one Adam step (${model}; batch ${batch} × ${tokens} tokens) | ms |`, '|---|---:|'];
  await selectBackend('wasm');
  rows.push(`| wasm, tfjs's BatchMatMul kernel and gradient | ${fmt(using('stock', 'stock', trainingStepMs))} |`);
  rows.push(`| wasm, tfjs's kernel, our gradient | ${fmt(using('stock', 'ours', trainingStepMs))} |`);
  rows.push(`| wasm, our kernel, tfjs's gradient | ${fmt(using('ours', 'stock', trainingStepMs))} |`);
  rows.push(`| wasm, our BatchMatMul kernel and gradient | ${fmt(trainingStepMs())} |`);
  await selectBackend('cpu');
  rows.push(`| cpu, our gradient | ${fmt(trainingStepMs())} |`);
  return rows;
}

const machine = `${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}`;
const lines = [
  `## matmul on wasm — ${machine}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
  '',
  'GFLOP/s (median of runs after a warm-up):',
  '',
  ...(await matmulTable()),
  '',
  ...(await embeddingGradientTable()),
  '',
  ...(await trainingStepTable()),
];
console.log(lines.join('\n'));
