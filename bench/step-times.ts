// Benchmark: median wall time of one optimisation step (forward + backward + AdamW, batch 8; DPO = 8 pairs in one
// 16-row forward) for the `toy` and `tiny` MLLM presets, SFT and DPO, from train()'s own metrics events.
// Run: `npx tsx bench/step-times.ts [wasm|cpu ...]` (default wasm); paste the table into bench/RESULTS.md.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeShapesWorld } from '../src-main/engine/data/shapes';
import { train } from '../src-main/engine/train';

const backends = process.argv.slice(2).length ? process.argv.slice(2) : ['wasm'];
const steps = Number(process.env.STEPS ?? 6);
const rows: string[] = [];

async function stepTime(preset: 'toy' | 'tiny', backend: string, objective: 'sft' | 'dpo'): Promise<number> {
  const root = mkdtempSync(join(tmpdir(), 'pivot-steps-'));
  try {
    const world = join(root, 'world');
    await writeShapesWorld({ out: world, count: 40, seed: 1, size: preset === 'toy' ? 32 : 64 });
    const recipe = join(root, 'recipe.json');
    const stage = { trainable: ['encoder', 'projector', 'lm'], lr: 1e-4, batchSize: 8, warmupRatio: 0, maxSteps: steps };
    writeFileSync(recipe, JSON.stringify({ objective, model: { preset }, data: { folder: world }, stages: [], branches: { [objective]: stage } }));
    const times: number[] = [];
    let last = 0;
    await train({
      recipe,
      runDir: join(root, 'run'),
      backend,
      onEvent: (e) => {
        if (e.type !== 'metrics') return;
        times.push(e.elapsedMs - last);
        last = e.elapsedMs;
      },
    });
    // The first step includes one-off work (kernel warm-up; DPO's reference log-probs), so it is left out.
    const sorted = times.slice(1).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)]!;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

for (const backend of backends) {
  for (const preset of ['toy', 'tiny'] as const) {
    const sft = await stepTime(preset, backend, 'sft');
    const dpo = await stepTime(preset, backend, 'dpo');
    rows.push(`| ${preset} | ${backend} | ${sft.toFixed(0)} ms | ${dpo.toFixed(0)} ms | ${(dpo / sft).toFixed(2)} |`);
  }
}
process.stdout.write(
  `Step times — ${new Date().toISOString().slice(0, 10)}, ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, Node ${process.version}, ` +
    `median of ${steps - 1} steps\n\n| preset | backend | SFT step | DPO step | DPO / SFT |\n|---|---|---|---|---|\n${rows.join('\n')}\n`,
);
