// `pivot runs import DIR`: a LLaVA checkpoint trained elsewhere (e.g. by the TRL project of `pivot study export`)
// becomes a finished run of the workspace, which the Compare tab and `pivot probe` measure like the others.
import type { Command } from 'commander';
import { OBJECTIVES, type RunObjective } from '../../src-shared/domain/runs';
import { oneOf } from './options';

export function registerRunsCommands(program: Command): void {
  const runs = program.command('runs').description("The workspace's training runs.");
  runs
    .command('import')
    .description('Bring a LLaVA checkpoint folder trained elsewhere (TRL: sft-out/, dpo-out/) into the workspace as a finished run.')
    .argument('<dir>', 'the folder save_pretrained wrote: config.json, safetensors (sharded or not), tokenizer files, preprocessor_config.json')
    .requiredOption('--workspace <dir>', 'workspace folder')
    .option('--name <name>', 'the run\'s name (default "imported <folder name>")')
    .option('--objective <objective>', `${OBJECTIVES.join('|')}; default: read from the folder's training_args.bin`, oneOf('--objective', OBJECTIVES))
    .option('--json', 'print the run as one JSON object')
    .action(async (dir: string, o: { workspace: string; name?: string; objective?: RunObjective; json?: boolean }) => {
      const [{ Workspace }, { importRun }] = await Promise.all([import('../store/workspace'), import('../runs/run-import')]);
      const ws = Workspace.open(o.workspace);
      try {
        const run = await importRun(ws, { folder: dir, ...(o.name ? { name: o.name } : {}), ...(o.objective ? { objective: o.objective } : {}) });
        if (o.json) process.stdout.write(`${JSON.stringify(run)}\n`);
        else process.stdout.write(`Imported ${run.result?.imported?.from} as run ${run.id} "${run.name}" (${run.objective}): ${run.result?.finalCheckpoint}\n`);
      } finally {
        ws.close();
      }
    });
}
