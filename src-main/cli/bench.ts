// `pivot bench`: one training step's time, throughput and memory for a model size, objective and backend.
import type { Command } from 'commander';
import { MODEL_PRESETS } from '../../src-shared/domain/run-settings';
import { PivotError } from '../../src-shared/errors';
import { oneOf, positiveInt, threadCount, THREADS_HELP } from './options';

const CONFIGS = MODEL_PRESETS;
/** The wasm backend's memory stops near 4 GiB (32-bit addressing). */
const WASM_LIMIT_BYTES = 4 * 2 ** 30;

export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description('Time a training step: median step time, samples/s and peak memory.')
    .option('--config <name>', CONFIGS.join('|'), oneOf('--config', CONFIGS), 'tiny')
    .option('--objective <objective>', 'sft|dpo', oneOf('--objective', ['sft', 'dpo'] as const), 'sft')
    .option('--backend <name>', 'tfjs backend (the best available when omitted)')
    .option('--threads <n>', THREADS_HELP, threadCount)
    .option('--steps <n>', 'steps measured (after one warm-up step)', positiveInt('--steps'), 5)
    .option('--batch <n>', 'batch size (pairs for DPO)', positiveInt('--batch'))
    .option('--grad-accum <n>', 'forward passes per step', positiveInt('--grad-accum'), 1)
    .option('--activation-checkpointing', 'recompute each transformer block in the backward instead of keeping its activations')
    .option('--no-ceiling', 'skip counting the step\'s matmul FLOPs and timing the best plain matmul')
    .option('--json', 'print one JSON object')
    .action(async (o: {
      config: (typeof CONFIGS)[number]; objective: 'sft' | 'dpo'; backend?: string; threads?: number; steps: number; batch?: number;
      gradAccum: number; activationCheckpointing?: boolean; ceiling: boolean; json?: boolean;
    }) => {
      const [{ baseParameters, trainingBytes }, { selectBackend }, { measureStepTime }] = await Promise.all([
        import('../engine/bench/parameter-count'),
        import('../engine/backend/select'),
        import('../engine/bench/step-time'),
      ]);
      const backend = o.backend ?? (await selectBackend(undefined, { threads: o.threads })).name;
      if (o.config === 'base' && (backend === 'wasm' || backend === 'cpu')) {
        const parameters = baseParameters();
        const bytes = trainingBytes(parameters);
        const gib = (bytes / 2 ** 30).toFixed(1);
        throw new PivotError(
          'INVALID_REQUEST',
          `The base size (a ViT-B/16 tower at 224 px + a Qwen2.5-0.5B-shaped LM, ${(parameters / 1e6).toFixed(0)} M parameters) needs ` +
            `${gib} GiB for weights, gradients and AdamW state before activations; the wasm backend stops near ` +
            `${WASM_LIMIT_BYTES / 2 ** 30} GiB and cpu would take hours per step. Run it on the native or cuda backend (see \`pivot doctor\`).`,
          { parameters, bytes },
        );
      }
      const result = await measureStepTime({
        preset: o.config,
        objective: o.objective,
        steps: o.steps,
        batchSize: o.batch ?? (o.config === 'toy' ? 16 : 8),
        gradAccum: o.gradAccum,
        activationCheckpointing: o.activationCheckpointing ?? false,
        ceiling: o.ceiling,
        backend,
        ...(o.threads ? { threads: o.threads } : {}),
      });
      if (o.json) {
        process.stdout.write(`${JSON.stringify(result)}\n`);
        return;
      }
      process.stdout.write(
        `${o.config} ${o.objective} on ${result.backend}, batch ${result.batchSize} × ${result.gradAccum} passes` +
          `${result.activationCheckpointing ? ', activation checkpointing' : ''}: ${result.medianStepMs.toFixed(0)} ms/step ` +
          `(median of ${result.stepMs.length}), ${result.samplesPerSecond.toFixed(1)} samples/s, peak RSS ${(result.peakRssBytes / 2 ** 20).toFixed(0)} MiB` +
          `${result.peakTensorBytes === undefined ? '' : `, tensors at most ${(result.peakTensorBytes / 2 ** 30).toFixed(2)} GiB`}\n` +
          `${result.memoryEstimate}\n`,
      );
      const c = result.ceiling;
      if (c) {
        process.stdout.write(
          `matmul ceiling: ${(c.stepMatmulFlops / 1e9).toFixed(2)} GFLOP of matmuls per step at the best plain matmul's ` +
            `${c.matmul.gflops.toFixed(1)} GFLOP/s (${c.matmul.size.join('×')}) = ${c.ceilingMs.toFixed(0)} ms; the step takes ${c.ratio.toFixed(2)}× that\n`,
        );
      }
    });
}
