// Benchmark: median wall time of one optimisation step (batch 8; DPO = 8 pairs in one 16-row forward) for the
// `toy` and `tiny` MLLM presets, SFT and DPO, and the SFT step against the matmul ceiling measured in the same run
// (its matmul FLOPs at the backend's best plain-matmul speed). Run: `npx tsx bench/step-times.ts [wasm|cpu ...]` (default wasm);
// paste the table into bench/RESULTS.md. `pivot bench` measures one configuration the same way.
import { cpus } from 'node:os';
import { measureStepTime } from '../src-main/engine/bench/step-time';

const backends = process.argv.slice(2).length ? process.argv.slice(2) : ['wasm'];
const steps = Number(process.env.STEPS ?? 5);
const rows: string[] = [];
for (const backend of backends) {
  for (const preset of ['toy', 'tiny'] as const) {
    const sft = await measureStepTime({ preset, backend, objective: 'sft', steps, batchSize: 8, ceiling: true });
    const c = sft.ceiling!;
    const dpo = await measureStepTime({ preset, backend, objective: 'dpo', steps, batchSize: 8 });
    rows.push(
      `| ${preset} | ${backend} | ${sft.medianStepMs.toFixed(0)} ms | ${dpo.medianStepMs.toFixed(0)} ms | ` +
        `${(dpo.medianStepMs / sft.medianStepMs).toFixed(2)} | ${(Math.max(sft.peakRssBytes, dpo.peakRssBytes) / 2 ** 20).toFixed(0)} MiB | ` +
        `${(c.stepMatmulFlops / 1e9).toFixed(2)} | ${c.matmul.gflops.toFixed(1)} (${c.matmul.size.join('×')}) | ${c.ceilingMs.toFixed(0)} ms | ${c.ratio.toFixed(2)} |`,
    );
  }
}
process.stdout.write(
  `Step times — ${new Date().toISOString().slice(0, 10)}, ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, Node ${process.version}, ` +
    `median of ${steps} steps\n\n| preset | backend | SFT step | DPO step | DPO / SFT | peak RSS | SFT matmul GFLOP | best plain matmul GFLOP/s | ceiling | SFT / ceiling |\n|---|---|---|---|---|---|---:|---:|---:|---:|\n${rows.join('\n')}\n`,
);
