// `pivot study` (alias `pivot demo`, its first name): the study in one command — train sft and dpo from one base,
// measure the three encoders, write report.json and report.html, print the comparison table (or, with --json, one
// JSON object).
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ENGINE_BACKENDS } from '../../src-shared/domain/runs';
import { PivotError } from '../../src-shared/errors';
import { compareTable } from '../../src-shared/domain/study-table';
import { reportFolderName } from '../reports/report-files';
import { STUDY_PROBE_IMAGES } from '../engine/study/probe-images';
import { oneOf, positiveInt, threadCount, THREADS_HELP } from './options';
import { registerProbeCommands } from './probe';
import { progressBar } from './progress';
import { registerStudyExportCommand } from './study-export';

interface StudyCommandOptions {
  out?: string;
  workspace?: string;
  quick?: boolean;
  recipe?: string;
  seeds: number;
  probeImages?: number;
  samples?: number;
  backend?: string;
  threads?: number;
  json?: boolean;
}

/** `pivot study` and `pivot probe linear|segmentation|alignment` (one code path: src-main/engine/study). */
export function registerStudyCommands(program: Command): void {
  registerProbeCommands(program);
  registerStudyCommand(program);
}

export function registerStudyCommand(program: Command): void {
  const study = program
    .command('study')
    // Its first name, kept for scripts and habits.
    .alias('demo')
    // Its options come before `export`, whose own --workspace and --json are export's.
    .enablePositionalOptions()
    .description('The study in one command: SFT and DPO from one base MLLM, the three encoders probed, report.json + report.html.')
    .option('--out <dir>', 'output folder (run/, report.json, report.html); default pivot-demo, or <workspace>/reports/<date-time> with --workspace')
    .option('--workspace <dir>', 'write the report into this workspace (reports/<date-time>/), where the window\'s Compare screen lists it')
    .option('--quick', 'the shapes-quick recipe (seconds, not a study) instead of shapes-study (minutes)')
    .option('--recipe <name|file>', 'run the study on this recipe (a built-in name or a recipe file) instead of shapes-study; it needs sft and dpo branches')
    .option('--seeds <k>', 'probe seeds (split seeds of the linear probe, MLP seeds of the segmentation probe)', positiveInt('--seeds'), 3)
    .option('--probe-images <n>', `the probes measure the world's first n images (default ${STUDY_PROBE_IMAGES}; all where it has fewer)`, positiveInt('--probe-images'))
    .option('--samples <n>', 'Grad-CAM test pairs per model (default 32, 16 with --quick)', positiveInt('--samples'))
    .option('--backend <name>', `engine backend (${ENGINE_BACKENDS.join('|')}); the best available otherwise`, oneOf('--backend', ENGINE_BACKENDS))
    .option('--threads <n>', THREADS_HELP, threadCount)
    .option('--json', 'print one JSON object (the report summary and its paths) instead of the table')
    .action(async (o: StudyCommandOptions) => {
      const [{ runStudy }, { formatTable }, { reportSummary }] = await Promise.all([
        import('../engine/study/run-study'),
        import('../engine/study/table'),
        import('../engine/study/report-json'),
      ]);
      const tty = !o.json && process.stderr.isTTY === true;
      let bar: ReturnType<typeof progressBar> | null = null;
      const out = studyOutDir(o);
      // With --workspace the two branches are also runs of the workspace, listed in the window's Training tab.
      const recorded = o.workspace === undefined ? null
        : (await import('../runs/study-runs')).recordStudyRuns(o.workspace, {
            report: basename(out), recipe: o.recipe ?? (o.quick ? 'shapes-quick' : 'shapes-study'), backend: o.backend ?? null, ...(o.threads ? { threads: o.threads } : {}),
          });
      const { report } = await runStudy({
        out, seeds: o.seeds, ...(o.quick ? { quick: true } : {}), ...(o.recipe ? { recipe: o.recipe } : {}), ...(o.backend ? { backend: o.backend } : {}),
        ...(o.threads ? { threads: o.threads } : {}),
        ...(o.samples !== undefined ? { gradcamSamples: o.samples } : {}),
        ...(o.probeImages ? { probeImages: o.probeImages } : {}),
        onProgress: (p) => {
          recorded?.runs.push(p);
          if (!tty || p.type === 'trained') return;
          if (p.type === 'phase') {
            bar?.done();
            bar = null;
            process.stderr.write(`${p.message}\n`);
          } else if (p.event.type === 'stage') {
            bar?.done();
            bar = progressBar(`${p.objective} · ${p.event.stage} (${p.event.index}/${p.event.of})`, true);
          } else if (p.event.type === 'metrics') {
            bar?.update(p.event.step, p.event.totalSteps, `loss ${(p.event.values.loss ?? Number.NaN).toFixed(3)}`);
          } else if (p.event.type === 'log' && /^Reusing stage/.test(p.event.message)) {
            process.stderr.write(`${p.event.message}\n`);
          }
        },
      }).catch((err: unknown) => {
        recorded?.close(PivotError.toData(err));
        throw err;
      });
      recorded?.close(null);
      (bar as ReturnType<typeof progressBar> | null)?.done();
      if (o.json) {
        process.stdout.write(`${JSON.stringify(reportSummary(report), (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))}\n`);
        return;
      }
      process.stdout.write(
        `\nPIVOT demo: ${report.recipe.name} on ${report.backend}, seeds ${report.seeds.join(', ')}, ${(report.durationsMs.total ?? 0) / 1000} s\n` +
          `original = base MLLM's encoder (${report.encoders.original.stage} checkpoint); SFT / DPO = the branches' encoders.\n\n` +
          formatTable(compareTable(report, 'sft', ['dpo'])) +
          `\nReport: ${report.files.html}\n        ${report.files.json}\n`,
      );
    });
  registerStudyExportCommand(study);
}

export { reportFolderName };

/** Where the study writes: --out when given; else `<workspace>/reports/<date-time>` with --workspace; else ./pivot-demo. */
export function studyOutDir(o: { out?: string; workspace?: string }, date: Date = new Date()): string {
  if (o.out !== undefined) return resolve(o.out);
  if (o.workspace !== undefined) return resolve(join(o.workspace, 'reports', reportFolderName(date)));
  return resolve('pivot-demo');
}
