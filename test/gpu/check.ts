// The GPU check's one entry point, bundled into .device/gpu-check.mjs (scripts/prepare-device.sh) and run step by
// step by scripts/device-check.sh, each step in its own process under its own timeout:
//   gpu-check.mjs probe | kernels | fused | sft | dpo | hf | tf32 | oom
//   gpu-check.mjs bench|peer <preset> <sft|dpo> <batch> <steps>
//   gpu-check.mjs report <steps file>
// A step writes its rows to $PIVOT_GPU_CHECK_RESULT (JSON) and exits 1 when one failed. The backend checked is
// `cuda`, or PIVOT_GPU_CHECK_BACKEND (`native` proves the logic on a machine without a GPU).
import { writeFileSync } from 'node:fs';
import { benchStep, peerStep, type BenchArgs } from './bench';
import { messageOf, TARGET, type CheckResult } from './compare';
import { oomCheck, probe, tf32Check } from './device';
import { fusedKernels } from './fused';
import { hfParity } from './hf-parity';
import { kernelTable } from './kernels';
import { mllmStep } from './mllm-step';
import { report } from './report';

function benchArgs(args: string[]): BenchArgs {
  const [preset, objective, batch, steps] = args;
  if (!['toy', 'small', 'tiny', 'base'].includes(preset ?? '') || (objective !== 'sft' && objective !== 'dpo') || !(Number(batch) > 0) || !(Number(steps) > 0)) {
    throw new Error(`expected <toy|small|tiny|base> <sft|dpo> <batch> <steps>, got: ${args.join(' ')}`);
  }
  return { preset: preset as BenchArgs['preset'], objective, batch: Number(batch), steps: Number(steps) };
}

const STEPS: Record<string, (args: string[]) => Promise<CheckResult[]> | CheckResult[]> = {
  probe: () => probe(),
  kernels: () => kernelTable(),
  fused: () => fusedKernels(),
  sft: () => mllmStep('sft'),
  dpo: () => mllmStep('dpo'),
  hf: () => hfParity(),
  tf32: () => tf32Check(),
  oom: () => oomCheck(),
  bench: (args) => benchStep(benchArgs(args)),
  // The peer gets what is left of this step's time (the shell's timeout would lose its output).
  peer: (args) => peerStep(benchArgs(args), Number(process.env.PIVOT_GPU_CHECK_STEP_S ?? 600) * 1000 - 5000),
};

async function main(): Promise<number> {
  const [step = '', ...args] = process.argv.slice(2);
  if (step === 'report') {
    return report(args[0] ?? '', process.env.OUT || undefined, { backend: TARGET, node: process.version, at: new Date().toISOString() });
  }
  const run = STEPS[step];
  if (run === undefined) throw new Error(`unknown step '${step}': one of ${Object.keys(STEPS).join(', ')}, report`);
  const started = Date.now();
  let rows: CheckResult[];
  try {
    rows = await run(args);
  } catch (err) {
    rows = [{ check: `${step} ${args.join(' ')}`.trim(), status: 'fail', numbers: messageOf(err).split('\n')[0] as string, details: { stack: err instanceof Error ? err.stack : undefined } }];
  }
  const out = process.env.PIVOT_GPU_CHECK_RESULT;
  if (out) writeFileSync(out, JSON.stringify(rows.map((r) => ({ ...r, seconds: (Date.now() - started) / 1000 }))));
  for (const r of rows) process.stdout.write(`${r.status.toUpperCase()}  ${r.check}: ${r.numbers}\n`);
  return rows.some((r) => r.status === 'fail') ? 1 : 0;
}

process.exit(await main());
