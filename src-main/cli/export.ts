// `pivot export`: a run's trained vision encoder as a Hugging Face folder (config.json, model.safetensors,
// preprocessor_config.json, README.md, optionally projector.safetensors), or with --mllm the whole MLLM as a LLaVA
// folder; either re-loaded and checked before it is kept.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ENGINE_BACKENDS, OBJECTIVES, type RunObjective } from '../../src-shared/domain/runs';
import { PivotError } from '../../src-shared/errors';
import type { ExportOptions, ExportReport } from '../engine/export';
import { oneOf, threadCount, THREADS_HELP } from './options';

interface ExportCommandOptions {
  run?: string;
  workspace?: string;
  checkpoint?: string;
  out: string;
  withProjector?: boolean;
  mllm?: boolean;
  stage?: string;
  objective?: RunObjective;
  measurements?: string;
  name?: string;
  force?: boolean;
  backend?: string;
  threads?: number;
  json?: boolean;
}

export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description("Export a run's trained vision encoder as a Hugging Face folder that CLIPVisionModel / SiglipVisionModel load unchanged.")
    .option('--run <id|folder>', 'a run of the workspace (its id or name; needs --workspace), or a run folder')
    .option('--workspace <dir>', 'workspace holding the run')
    .option('--checkpoint <dir>', 'a checkpoint folder (<run>/checkpoints/<stage>-<step>) instead of a run')
    .requiredOption('--out <dir>', 'folder to write (new or empty, unless --force)')
    .option('--with-projector', 'also write projector.safetensors (LLaVA names)')
    .option('--mllm', 'export the whole MLLM as a Hugging Face LLaVA folder (LlavaForConditionalGeneration) instead of the encoder')
    .option('--stage <name>', "export this stage's latest checkpoint instead of the post-trained one")
    .option('--objective <objective>', `the branch to export when the run trained both (${OBJECTIVES.join('|')})`, oneOf('--objective', OBJECTIVES))
    .option('--measurements <file>', 'JSON with measured results for the model card ({"results": [{"metric", "original", "trained"}]})')
    .option('--name <title>', "the model card's title")
    .option('--force', 'replace a non-empty --out folder')
    .option('--backend <name>', `engine backend for the re-load check (${ENGINE_BACKENDS.join('|')}); the best available otherwise`, oneOf('--backend', ENGINE_BACKENDS))
    .option('--threads <n>', THREADS_HELP, threadCount)
    .option('--json', 'print one JSON object: what was written and the check\'s max relative error')
    .action(async (o: ExportCommandOptions) => {
      if (o.mllm) {
        const encoderOnly = (['withProjector', 'measurements', 'name'] as const).filter((k) => o[k] !== undefined);
        if (encoderOnly.length > 0) {
          throw new PivotError('INVALID_REQUEST', `--mllm exports a LLaVA folder, which has no model card or separate projector: leave out ${encoderOnly.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')}.`);
        }
      }
      // The engine (tfjs) loads only for this command, not for every `pivot` invocation.
      const [{ exportEncoder, exportMllm, parseMeasurements }, { selectBackend }] = await Promise.all([import('../engine/export'), import('../engine/backend/select')]);
      if (o.mllm) {
        await selectBackend(o.backend, { threads: o.threads });
        const report = await exportMllm({ ...(await exportSource(o)), out: o.out, ...(o.force ? { force: true } : {}), ...(o.stage ? { stage: o.stage } : {}) });
        const from = report.stage ? `stage ${report.stage}${report.step !== null ? ` step ${report.step}` : ''} of ${report.runDir ?? report.checkpoint}` : report.checkpoint;
        process.stdout.write(o.json ? `${JSON.stringify(report)}\n` : `Exported the MLLM from ${from}\nto ${report.out} (LLaVA, ${report.layout} layout): ${report.files.join(', ')}\nRe-loaded and compared weight by weight.\n`);
        return;
      }
      const options: ExportOptions = {
        ...(await exportSource(o)),
        out: o.out,
        ...(o.withProjector ? { withProjector: true } : {}),
        ...(o.force ? { force: true } : {}),
        ...(o.stage ? { stage: o.stage } : {}),
        ...(o.name ? { name: o.name } : {}),
        ...(o.measurements ? { measurements: parseMeasurements(readJson(o.measurements), resolve(o.measurements)) } : {}),
      };
      await selectBackend(o.backend, { threads: o.threads });
      const report = await exportEncoder(options);
      process.stdout.write(o.json ? `${JSON.stringify(report)}\n` : summary(report));
    });
}

/** The run folder or checkpoint to export, with the objective the workspace recorded for the run. */
async function exportSource(o: ExportCommandOptions): Promise<Pick<ExportOptions, 'runDir' | 'checkpoint' | 'objective'>> {
  if ((o.run === undefined) === (o.checkpoint === undefined)) {
    throw new PivotError('INVALID_REQUEST', 'Give either --run (with --workspace for a run id) or --checkpoint.');
  }
  if (o.checkpoint !== undefined) return { checkpoint: o.checkpoint };
  const run = o.run as string;
  if (o.workspace === undefined) {
    if (existsSync(run) && statSync(run).isDirectory()) return { runDir: run, ...(o.objective ? { objective: o.objective } : {}) };
    throw new PivotError('INVALID_REQUEST', `--run ${run}: not a run folder; to name a run by id, add --workspace <dir>.`);
  }
  const { WORKSPACE_DB, Workspace } = await import('../store/workspace');
  // Opening creates a workspace that is not there; an export must never do that.
  if (!existsSync(join(resolve(o.workspace), WORKSPACE_DB))) throw new PivotError('NOT_FOUND', `${resolve(o.workspace)} is not a workspace (no ${WORKSPACE_DB}).`);
  const ws = Workspace.open(o.workspace);
  try {
    const info = /^\d+$/.test(run) ? ws.runs.get(Number(run)) : ws.runs.list().find((r) => r.name === run);
    if (!info) throw new PivotError('NOT_FOUND', `No run named "${run}" in ${ws.dir}; pass its id (pivot lists them in the window) or its name.`);
    const objective = o.objective ?? (o.stage ? undefined : (info.objective ?? info.result?.objective ?? undefined));
    return { runDir: info.runDir, ...(objective ? { objective } : {}) };
  } finally {
    ws.close();
  }
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (err) {
    throw new PivotError('FILE_UNREADABLE', `${resolve(path)}: cannot read JSON (${(err as Error).message}).`);
  }
}

function summary(r: ExportReport): string {
  const from = r.stage ? `stage ${r.stage}${r.step !== null ? ` step ${r.step}` : ''} of ${r.runDir ?? r.checkpoint}` : r.checkpoint;
  return [
    `Exported the ${r.objective ? `${r.objective}-trained ` : ''}${r.architecture} from ${from}`,
    `to ${r.out}: ${r.files.join(', ')}`,
    `Re-loaded and checked: max relative error ${r.maxRelativeError} on a fixed random input.`,
    '',
  ].join('\n');
}
