// Benchmark: one training step of the same MLLM on our native backend, on wasm, and in plain PyTorch (the peer,
// bench/peers/mllm_step.py), each in its own process, alternating contenders round after round on one machine so
// that load drifts hit all of them alike. Prints the per-round medians and a table for bench/RESULTS.md.
// Run: `npx tsx bench/native-vs-peers.ts [--config tiny] [--rounds 3] [--steps 4] [--threads 1,2] [--batch 8] [--no-wasm]`
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';

const arg = (name: string, fallback: string): string => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1]! : fallback;
};
const config = arg('config', 'tiny');
const rounds = Number(arg('rounds', '3'));
const steps = Number(arg('steps', '4'));
const batch = Number(arg('batch', '8'));
const threadCounts = arg('threads', '1').split(',').map(Number);
const withWasm = !process.argv.includes('--no-wasm');
const root = join(import.meta.dirname, '..');

interface Contender {
  name: string;
  threads: number;
  objective: 'sft' | 'dpo';
  run: () => { ms: number; peakBytes: number };
}

function ours(backend: string, objective: 'sft' | 'dpo', threads: number): Contender {
  return {
    name: backend,
    threads,
    objective,
    run: () => {
      const out = execFileSync(process.execPath, [join(root, 'bin', 'pivot.mjs'), 'bench', '--config', config, '--objective', objective, '--backend', backend,
        '--threads', String(threads), '--steps', String(steps), '--batch', String(batch), '--no-ceiling', '--json'], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
      const r = JSON.parse(out.trim().split('\n').at(-1)!) as { medianStepMs: number; peakRssBytes: number };
      return { ms: r.medianStepMs, peakBytes: r.peakRssBytes };
    },
  };
}

function pytorch(objective: 'sft' | 'dpo', threads: number): Contender {
  return {
    name: 'pytorch',
    threads,
    objective,
    run: () => {
      const out = execFileSync('python3', [join(root, 'bench', 'peers', 'mllm_step.py'), '--config', config, '--objective', objective, '--batch', String(batch),
        '--steps', String(steps), '--threads', String(threads), '--device', 'cpu', '--json'], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
      const r = JSON.parse(out.trim().split('\n').at(-1)!) as { median_step_ms: number; peak_memory_bytes: number };
      return { ms: r.median_step_ms, peakBytes: r.peak_memory_bytes };
    },
  };
}

const contenders: Contender[] = [];
for (const objective of ['sft', 'dpo'] as const) {
  for (const threads of threadCounts) {
    contenders.push(ours('native', objective, threads), pytorch(objective, threads));
    if (withWasm && threads === 1) contenders.push(ours('wasm', objective, 1));
  }
}

const results = new Map<Contender, { ms: number[]; peakBytes: number }>();
for (let round = 1; round <= rounds; round++) {
  for (const c of contenders) {
    const r = c.run();
    const entry = results.get(c) ?? { ms: [], peakBytes: 0 };
    entry.ms.push(r.ms);
    entry.peakBytes = Math.max(entry.peakBytes, r.peakBytes);
    results.set(c, entry);
    process.stderr.write(`round ${round}: ${c.name} ${c.objective} ×${c.threads}: ${r.ms.toFixed(0)} ms/step\n`);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows = contenders.map((c) => {
  const r = results.get(c)!;
  const peer = [...results].find(([p]) => p.name === 'pytorch' && p.objective === c.objective && p.threads === c.threads)![1];
  return `| ${config} | ${c.objective} | ${c.name} | ${c.threads} | ${Math.min(...r.ms).toFixed(0)}–${Math.max(...r.ms).toFixed(0)} ms | ${median(r.ms).toFixed(0)} ms | ` +
    `${(median(r.ms) / median(peer.ms)).toFixed(2)} | ${(r.peakBytes / 2 ** 20).toFixed(0)} MiB |`;
});
process.stdout.write(
  `Step times, ${config}, batch ${batch} — ${new Date().toISOString().slice(0, 10)}, ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, Node ${process.version}; ` +
    `median of ${steps} steps per run, ${rounds} alternating rounds\n\n` +
    `| config | objective | contender | threads | per-round medians | median | ÷ PyTorch | peak memory |\n|---|---|---|---:|---|---:|---:|---:|\n${rows.join('\n')}\n`,
);
