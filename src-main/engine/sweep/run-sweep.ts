// `runSweep`: a recipe's sweep end to end. Every point is a branch trained by `train` in ONE run folder, so the
// shared stages are trained by the first point and reused by all others (the study's trick); each point gets its
// own derived recipe and stage name. Each point's encoder is measured once and its result kept in points/, so a
// stopped sweep picks up where it was; sweep.json and sweep.md summarise whatever is measured.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PivotError } from '../../../src-shared/errors';
import { selectBackend } from '../backend/select';
import { seedList } from '../study/measure-encoder';
import { STUDY_PROBE_IMAGES } from '../study/probe-images';
import { writeFileAtomic } from '../io/atomic-write';
import { firstImages, shapesWorldDataset, type ProbeDataset } from '../probes/image-folder';
import { loadRecipe, train, type RunEvent, type Stage, type Sweep } from '../train';
import { readJsonFile } from '../run-folder/json-file';
import { readRunState } from '../run-folder/state';
import { parseRecipe } from '../train/recipe';
import { sweepPoints } from './grid';
import { sweepMarkdown } from './markdown';
import { measureFocus, measureProbes, measureQa } from './measure';
import { jsonText, readPointResult, trainingOutcome, writePointResult, type PointResult } from './point-result';
import { pointRecipe } from './point-recipe';
import type { SweepReport } from './report';
import { baseResultSchema, measuredAlike, type BaseResult, type MeasuredWith } from './result-files';
import { changesFromBase } from './base-changes';
import { sweepFindings, sweepReliability } from './report-findings';
import { baseCells, summariseSettings, verdicts } from './summary';

export type SweepProgress =
  | { type: 'point'; index: number; of: number; name: string; status: 'train' | 'measure' | 'skip' | 'done'; message: string }
  | { type: 'train'; index: number; of: number; name: string; event: RunEvent }
  | { type: 'base'; message: string };

export interface SweepOptions {
  /** A recipe with a `sweep` block: a file or a built-in name. */
  recipe: string;
  /** Output folder: run/, recipes/, points/, base.json, sweep.json, sweep.md. Re-use it to resume. */
  out: string;
  backend?: string;
  /** CPU threads of the native backend; all cores when omitted. */
  threads?: number;
  /** Probe seeds 0..k-1. Default 3. */
  probeSeeds?: number;
  /** The probes measure the world's first this many images (all when it has fewer). Default STUDY_PROBE_IMAGES. */
  probeImages?: number;
  /** Also the Grad-CAM focus of each post-trained MLLM on this many test pairs (off when omitted). */
  focusSamples?: number;
  onProgress?: (p: SweepProgress) => void;
}

export async function runSweep(options: SweepOptions): Promise<SweepReport> {
  const started = Date.now();
  const recipe = loadRecipe(options.recipe);
  const points = sweepPoints(recipe);
  const baseStage = recipe.stages[recipe.stages.length - 1];
  if (!baseStage) {
    throw new PivotError('INVALID_CONFIG', `${recipe.source} has no shared stage, so its branches share no base checkpoint to sweep from; add the stages every branch starts after.`, {
      file: recipe.source, field: 'stages',
    });
  }
  const out = resolve(options.out);
  const runDir = join(out, 'run');
  const recipesDir = join(out, 'recipes');
  await mkdir(recipesDir, { recursive: true });
  await mkdir(join(out, 'points'), { recursive: true });
  const backend = await selectBackend(options.backend, { threads: options.threads });
  const probeImages = options.probeImages ?? STUDY_PROBE_IMAGES;
  const withNow: MeasuredWith = { probeSeeds: seedList(options.probeSeeds ?? 3), focusSamples: options.focusSamples ?? null, probeImages, qa: true };
  const world = recipe.data.folder ?? join(runDir, 'data');
  let dataset: ProbeDataset | null = null;
  const probeDataset = async () => (dataset ??= firstImages(await shapesWorldDataset(world), probeImages));
  const say = (p: SweepProgress) => options.onProgress?.(p);
  const baseCheckpoint = () => {
    const base = readRunState(runDir)?.stages[baseStage.name];
    if (base?.status !== 'done') throw new Error(`${runDir}: the shared stage "${baseStage.name}" is not trained`);
    return join(runDir, base.checkpoint);
  };

  const results: PointResult[] = [];
  for (const [i, point] of points.entries()) {
    const progress = { index: i + 1, of: points.length, name: point.name };
    const recipeFile = join(recipesDir, `${point.name}.json`);
    const input = pointRecipe(recipe, point);
    const stage = parseRecipe(input, recipeFile).branches[point.objective] as Stage;
    const earlier = readPointResult(out, point, stage);
    if (earlier && measuredAlike(earlier.measuredWith, withNow)) {
      say({ type: 'point', ...progress, status: 'skip', message: `${point.name}: measured already (${join('points', `${point.name}.json`)})` });
      results.push(earlier);
      continue;
    }
    await writeFileAtomic(recipeFile, `${JSON.stringify(input, null, 2)}\n`);
    say({ type: 'point', ...progress, status: 'train', message: `${point.name}: training` });
    const trainStart = Date.now();
    const trained = await train({ recipe: recipeFile, runDir, backend: backend.name, onEvent: (event) => say({ type: 'train', ...progress, event }) });
    if (trained.cancelled) throw new Error(`training ${point.name} was cancelled; run the sweep again to resume it`);
    const trainMs = Date.now() - trainStart;
    await selectBackend(backend.name);
    say({ type: 'point', ...progress, status: 'measure', message: `${point.name}: measuring the encoder` });
    const measureStart = Date.now();
    const metrics = await measureProbes(trained.finalCheckpoint, await probeDataset(), withNow.probeSeeds);
    metrics.qa = await measureQa(trained.finalCheckpoint, world);
    if (withNow.focusSamples !== null) {
      metrics.focus = await measureFocus(trained.finalCheckpoint, world, point.objective, withNow.focusSamples, point.objective === 'dpo' ? baseCheckpoint() : undefined);
    }
    const result: PointResult = {
      point, stage, recipeFile, checkpoint: trained.finalCheckpoint, metrics, measuredWith: withNow,
      training: trainingOutcome(runDir, point.name),
      durationsMs: { train: earlier?.durationsMs.train ?? trainMs, measure: Date.now() - measureStart },
    };
    await writePointResult(out, result);
    results.push(result);
    say({ type: 'point', ...progress, status: 'done', message: `${point.name}: done` });
  }

  const base = await measureBase(out, baseStage.name, baseCheckpoint(), world, withNow, probeDataset, say);
  return writeReport({ out, runDir, recipe: { name: recipe.name, source: recipe.source }, grid: recipe.sweep as Sweep, backend: backend.name, base, results, withNow, sharedStages: recipe.stages, started });
}

/** The base encoder, measured once per measurement settings and kept in base.json. */
async function measureBase(
  out: string, stage: string, checkpoint: string, world: string, withNow: MeasuredWith,
  dataset: () => ProbeDataset | Promise<ProbeDataset>, say: (p: SweepProgress) => void,
): Promise<BaseResult> {
  const path = join(out, 'base.json');
  const earlier = readJsonFile(path, baseResultSchema);
  if (earlier && earlier.checkpoint === checkpoint && measuredAlike(earlier, withNow)) {
    say({ type: 'base', message: `base encoder (${stage}): measured already (base.json)` });
    return earlier;
  }
  say({ type: 'base', message: `base encoder (${stage}): measuring` });
  const metrics = await measureProbes(checkpoint, await dataset(), withNow.probeSeeds);
  metrics.qa = await measureQa(checkpoint, world);
  const samples = withNow.focusSamples;
  // The base MLLM has no loss of its own: its focus under each branch's loss (DPO against itself: where DPO starts).
  const focus = samples === null ? undefined : { sftLoss: await measureFocus(checkpoint, world, 'sft', samples), dpoLoss: await measureFocus(checkpoint, world, 'dpo', samples) };
  const base: BaseResult = { stage, checkpoint, ...withNow, metrics, ...(focus ? { focus } : {}) };
  await writeFileAtomic(path, jsonText(base));
  return base;
}

interface ReportInput {
  out: string;
  runDir: string;
  recipe: { name: string; source: string };
  grid: Sweep;
  backend: string;
  base: BaseResult;
  results: PointResult[];
  withNow: MeasuredWith;
  sharedStages: readonly Stage[];
  started: number;
}

async function writeReport(input: ReportInput): Promise<SweepReport> {
  const { out, runDir, base, results, withNow } = input;
  const settings = summariseSettings(results);
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  const files = { json: join(out, 'sweep.json'), markdown: join(out, 'sweep.md'), recipes: join(out, 'recipes') };
  const report: SweepReport = {
    version: 1,
    tool: 'pivot sweep',
    date: new Date().toISOString(),
    backend: input.backend,
    out,
    runDir,
    recipe: input.recipe,
    grid: input.grid,
    probeSeeds: withNow.probeSeeds,
    focusSamples: withNow.focusSamples,
    base: { stage: base.stage, checkpoint: base.checkpoint, metrics: base.metrics, ...(base.focus ? { focus: base.focus } : {}) },
    points: results,
    settings,
    verdicts: verdicts(settings, baseCells(base.metrics)),
    findings: sweepFindings(settings),
    fromBase: changesFromBase(settings, base.metrics),
    reliability: sweepReliability(base.metrics),
    durationsMs: {
      total: Date.now() - input.started,
      shared: input.sharedStages.reduce((sum, s) => sum + trainingOutcome(runDir, s.name).elapsedMs, 0),
      perPoint: { train: mean(results.map((r) => r.durationsMs.train)), measure: mean(results.map((r) => r.durationsMs.measure)) },
    },
    files,
    notes: notes(input, results),
  };
  await writeFileAtomic(files.json, jsonText(report));
  await writeFileAtomic(files.markdown, sweepMarkdown(report));
  return report;
}

function notes(input: ReportInput, results: readonly PointResult[]): string[] {
  const baseStage = input.base.stage;
  const list = [
    `Every point is a branch trained from the same base checkpoint (${baseStage}); a branch seed changes only its data order, so the spread over branch seeds is post-training noise (each value also carries the probes' own, being a mean over probe seeds). Points with the same seed see the same order.`,
    'The best setting per objective is picked by the very numbers it reports (the highest mean of several settings), which flatters the objective with more settings; the verdict is `pivot study`\'s: the 95 % interval of DPO − SFT over branch seeds (paired t by branch seed where both settings share them, else a bootstrap over each side\'s seeds), a direction only where it excludes 0.',
    `Probes: the first ${input.withNow.probeImages} images of the run's world (all, where it has fewer), each probe seed (${input.withNow.probeSeeds.join(', ')}) drawing its own 80/20 split, as \`pivot demo\` does; the MLLMs saw the non-test images in training, never their labels or masks.`,
    'Loss and DPO acc: means over the last 10 % of each branch\'s training steps (training batches, not held out); DPO acc is the share of pairs whose chosen answer out-rewards the rejected one.',
  ];
  list.push('QA accuracy: each MLLM ranks every possible answer of the world\'s held-out questions by log-prob (as `pivot eval qa` does); ± the binomial standard error over the questions.');
  if (input.withNow.focusSamples !== null) {
    list.push(`Focus: projector-l1 Grad-CAM on up to ${input.withNow.focusSamples} test pairs; SFT models under the SFT loss, DPO models under the DPO loss against the base MLLM. The base row shows its focus under each loss.`);
  }
  const missing = results.filter((r) => !Object.values(r.metrics).every((m) => m && Number.isFinite(m.value)));
  if (missing.length > 0) list.push(`Not finite: ${missing.map((r) => r.point.name).join(', ')} (a probe without a test class, or an empty Grad-CAM map).`);
  return list;
}
