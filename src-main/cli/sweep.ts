// `pivot sweep`: a recipe's grid of branch settings × seeds from one base MLLM, every encoder probed, sweep.json and
// sweep.md written, and the table of where (if anywhere) DPO's encoder beats SFT's printed last.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ENGINE_BACKENDS } from '../../src-shared/domain/runs';
import type { SweepProgress, SweepReport } from '../engine/sweep';
import { STUDY_PROBE_IMAGES } from '../engine/study/probe-images';
import { oneOf, positiveInt, threadCount, THREADS_HELP } from './options';
import { progressBar } from './progress';

interface SweepCommandOptions {
  recipe: string;
  out: string;
  backend?: string;
  threads?: number;
  probeSeeds: number;
  probeImages?: number;
  focus?: boolean;
  json?: boolean;
}

/** Grad-CAM pairs per model with --focus: the demo's default. */
const FOCUS_SAMPLES = 32;

export function registerSweepCommand(program: Command): void {
  program
    .command('sweep')
    .description("Train every point of a recipe's sweep (LR × β × length × rejection kind × seeds) from one base MLLM, probe each encoder, and show where DPO beats SFT.")
    .requiredOption('--recipe <name|file>', 'a recipe with a "sweep" block: a file, or a built-in name (shapes-sweep)')
    .requiredOption('--out <dir>', 'output folder (run/, recipes/, points/, sweep.json, sweep.md); the same folder again resumes, skipping finished points')
    .option('--backend <name>', `engine backend (${ENGINE_BACKENDS.join('|')}); the best available otherwise`, oneOf('--backend', ENGINE_BACKENDS))
    .option('--threads <n>', THREADS_HELP, threadCount)
    .option('--probe-seeds <k>', 'probe seeds per encoder (split seeds of the linear probe, MLP seeds of the segmentation probe)', positiveInt('--probe-seeds'), 3)
    .option('--probe-images <n>', `the probes measure the world's first n images (default ${STUDY_PROBE_IMAGES}; all where it has fewer)`, positiveInt('--probe-images'))
    .option('--focus', `also the Grad-CAM focus of every post-trained MLLM (${FOCUS_SAMPLES} test pairs each)`)
    .option('--json', 'print one JSON object (settings, verdicts, file paths) instead of the table')
    .action(async (o: SweepCommandOptions) => {
      const { runSweep } = await import('../engine/sweep');
      const report = await runSweep({
        recipe: o.recipe, out: o.out, probeSeeds: o.probeSeeds, ...(o.probeImages ? { probeImages: o.probeImages } : {}), ...(o.backend ? { backend: o.backend } : {}), ...(o.threads ? { threads: o.threads } : {}),
        ...(o.focus ? { focusSamples: FOCUS_SAMPLES } : {}),
        onProgress: o.json ? undefined : progressPrinter(process.stderr.isTTY === true),
      });
      if (o.json) {
        process.stdout.write(`${JSON.stringify(sweepSummary(report), (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))}\n`);
        return;
      }
      process.stdout.write(`\n${readFileSync(report.files.markdown, 'utf8')}\nSweep: ${report.files.markdown}\n       ${report.files.json}\n`);
    });
}

/**
 * Progress on stderr: a line per point and stage; on a terminal a bar of the stage's steps, elsewhere (logs) a
 * line at every quarter of them.
 */
export function progressPrinter(tty: boolean): (p: SweepProgress) => void {
  let bar: ReturnType<typeof progressBar> | null = null;
  let nextQuarter = 0;
  const line = (text: string) => {
    bar?.done();
    bar = null;
    process.stderr.write(`${text}\n`);
  };
  return (p) => {
    if (p.type === 'base') return line(p.message);
    const at = `[${p.index}/${p.of}]`;
    if (p.type === 'point') return line(`${at} ${p.message}`);
    const e = p.event;
    if (e.type === 'stage') {
      line(`${at} ${p.name}: stage ${e.stage} (${e.index}/${e.of}), ${e.totalSteps} steps`);
      if (tty) bar = progressBar(`${at} ${e.stage}`, true);
      nextQuarter = Math.ceil(e.totalSteps / 4);
    } else if (e.type === 'metrics') {
      const loss = `loss ${(e.values.loss ?? Number.NaN).toFixed(3)}`;
      if (bar) bar.update(e.step, e.totalSteps, loss);
      else if (e.step >= nextQuarter || e.step === e.totalSteps) {
        process.stderr.write(`${at} ${e.stage}: step ${e.step}/${e.totalSteps}, ${loss}\n`);
        nextQuarter = e.step + Math.ceil(e.totalSteps / 4);
      }
    } else if (e.type === 'log' && /^Reusing stage/.test(e.message)) {
      line(`${at} ${e.message}`);
    }
  };
}

/** What `--json` prints: per setting and per verdict the numbers, and where the files are. */
export function sweepSummary(report: SweepReport): Record<string, unknown> {
  const short = (c: { mean: number; std: number; values: number[] } | null) => (c ? { mean: c.mean, std: c.std, n: c.values.length } : null);
  return {
    recipe: report.recipe.name,
    backend: report.backend,
    points: report.points.length,
    probeSeeds: report.probeSeeds,
    files: report.files,
    base: Object.fromEntries(Object.entries(report.base.metrics).map(([k, m]) => [k, { mean: m.value, std: m.std }])),
    settings: report.settings.map((s) => ({
      setting: s.setting, objective: s.objective, lr: s.lr, beta: s.beta ?? null, length: s.length, seeds: s.seeds,
      metrics: Object.fromEntries(Object.entries(s.metrics).map(([k, c]) => [k, short(c)])),
    })),
    verdicts: report.verdicts.map((v) => ({ metric: v.metric, sftSetting: v.sftSetting, dpoSetting: v.dpoSetting, sft: short(v.cells.sft), dpo: short(v.cells.dpo), delta: v.delta })),
    durationsMs: report.durationsMs,
  };
}
