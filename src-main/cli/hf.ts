// `pivot hf run`: runs a Hugging Face checkpoint (CLIP / SigLIP vision tower or Qwen2 LM) on inputs from a
// safetensors file and writes its outputs under transformers' names, so parity can be checked on any machine.
import type { Command } from 'commander';
import { ENGINE_BACKENDS } from '../../src-shared/domain/runs';
import { oneOf, threadCount, THREADS_HELP } from './options';

export function registerHfCommands(program: Command): void {
  const hf = program.command('hf').description('Run Hugging Face checkpoints with the engine.');
  hf.command('run')
    .description('Run a CLIP / SigLIP vision tower or a Qwen2 LM on inputs from a safetensors file; write the outputs under transformers\' names.')
    .argument('<model-dir>', 'folder with config.json and model.safetensors (as save_pretrained writes it)')
    .requiredOption('--inputs <file>', 'safetensors with pixel_values (vision) or input_ids and/or inputs_embeds (LM)')
    .requiredOption('--out <file>', 'safetensors file to write')
    .option('--backend <name>', `engine backend (${ENGINE_BACKENDS.join('|')}); the best available by default`, oneOf('--backend', ENGINE_BACKENDS))
    .option('--threads <n>', THREADS_HELP, threadCount)
    .option('--json', 'print one JSON object')
    .action(async (modelDir: string, o: { inputs: string; out: string; backend?: string; threads?: number; json?: boolean }) => {
      // The engine (tfjs) loads only for this command, not for every `pivot` invocation.
      const { runHfModel } = await import('./hf-run');
      const report = await runHfModel({ modelDir, inputs: o.inputs, out: o.out, ...(o.backend ? { backend: o.backend } : {}), ...(o.threads ? { threads: o.threads } : {}) });
      if (o.json) process.stdout.write(`${JSON.stringify(report)}\n`);
      else {
        const listed = Object.entries(report.outputs).map(([k, shape]) => `  ${k} [${shape.join(', ')}]`).join('\n');
        process.stdout.write(`Ran ${report.model} on ${report.backend}; wrote ${report.out}:\n${listed}\n`);
      }
    });
}
