// `runStudy`: the whole study in one call — train the sft and dpo branches of a built-in recipe in one run folder,
// measure the three encoders (original = the base MLLM's, SFT, DPO), write report.json and report.html. Each phase
// lives in its own file; this one runs them in order and reports progress.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PivotError } from '../../../src-shared/errors';
import { selectBackend } from '../backend/select';
import { ensureShapesWorld } from '../data/shapes/ensure-world';
import { openMllm } from '../eval/open-mllm';
import { firstImages, shapesWorldDataset } from '../probes/image-folder';
import { readRunManifest } from '../run-folder/manifest';
import type { Objective, RunEvent, TrainResult } from '../train';
import { loadRecipe } from '../train/recipe';
import { writeExamples } from './examples';
import { htmlExamples } from './html-examples';
import { seedList } from './measure-encoder';
import { STUDY_PROBE_IMAGES } from './probe-images';
import { measureEncoders } from './measure-encoders';
import { measureGradcam } from './measure-gradcam';
import { phaseTimer } from './phase-timer';
import { measureQa } from './qa-row';
import type { ReportExamples } from './report-html';
import type { WrittenStudyReport } from './report-json';
import { studyReport, writeStudyReport } from './study-report';
import { studyRows } from './study-rows';
import { trainBranches } from './train-branches';

export type StudyProgress =
  | { type: 'phase'; phase: string; message: string }
  | { type: 'train'; objective: Objective; event: RunEvent }
  /** A branch has finished training, with the engine's result (so the branch can be recorded as a run). */
  | { type: 'trained'; objective: Objective; result: TrainResult };

export interface StudyOptions {
  /** Output folder: run/, report.json, report.html. */
  out: string;
  /** shapes-quick instead of shapes-study. */
  quick?: boolean;
  /** A recipe name or file instead of the built-in one. */
  recipe?: string;
  /**
   * A dataset folder both branches train on instead of the recipe's data (workspace pairs exported for the study);
   * the encoders are still measured on the recipe's own Shapes world, which has the labels and masks the probes need.
   */
  data?: string;
  /** Probe seeds 0..seeds-1. Default 3. */
  seeds?: number;
  /** The probes measure the world's first this many images (all when it has fewer). Default STUDY_PROBE_IMAGES. */
  probeImages?: number;
  backend?: string;
  /** CPU threads of the native backend; all cores when omitted. */
  threads?: number;
  /** Grad-CAM pairs of the test split per model. Default 32 (16 with quick). */
  gradcamSamples?: number;
  /** Example images in the HTML. Default 3. */
  examples?: number;
  onProgress?: (p: StudyProgress) => void;
}

export interface StudyResult {
  report: WrittenStudyReport;
  examples: ReportExamples;
}

/** The world the run trained on: the resolved recipe's data folder, else the run's own data/ (the probe job reads it too). */
export function worldFolder(runDir: string): string {
  return readRunManifest(runDir)?.data.resolvedFolder ?? join(runDir, 'data');
}

/** The recipe's own world, where a study trained on other data measures its encoders: its folder, or its Shapes world made under `out`. */
async function measuringWorld(recipeName: string, out: string, say: (message: string) => void): Promise<string> {
  const recipe = loadRecipe(recipeName);
  if (recipe.data.folder !== undefined) return recipe.data.folder;
  if (!recipe.data.shapes) {
    throw new PivotError('INVALID_CONFIG', `${recipe.source}: a study on other data measures its encoders on the recipe's world, but "data" names none: set "data.shapes" or "data.folder".`, { file: recipe.source, field: 'data' });
  }
  const folder = join(out, 'world');
  await ensureShapesWorld(folder, recipe.data.shapes, say);
  return folder;
}

export async function runStudy(options: StudyOptions): Promise<StudyResult> {
  const started = Date.now();
  const { lap, durationsMs } = phaseTimer();
  const say = (phase: string) => (message: string) => options.onProgress?.({ type: 'phase', phase, message });
  const out = resolve(options.out);
  const runDir = join(out, 'run');
  await mkdir(out, { recursive: true });
  const recipe = options.recipe ?? (options.quick ? 'shapes-quick' : 'shapes-study');
  const seeds = seedList(options.seeds ?? 3);
  const samples = options.gradcamSamples ?? (options.quick ? 16 : 32);
  const backend = await selectBackend(options.backend, { threads: options.threads });

  const onEvent = (objective: Objective, event: RunEvent) => options.onProgress?.({ type: 'train', objective, event });
  const onTrained = (objective: Objective, result: TrainResult) => options.onProgress?.({ type: 'trained', objective, result });
  const branches = await trainBranches({ recipe, runDir, backend: backend.name, ...(options.data ? { data: options.data } : {}), lap, say: say('train'), onEvent, onTrained });
  await selectBackend(backend.name);
  const world = options.data ? await measuringWorld(recipe, out, say('measure')) : worldFolder(runDir);
  const dataset = firstImages(await shapesWorldDataset(world), options.probeImages ?? STUDY_PROBE_IMAGES);

  const base = await openMllm(branches.checkpoints.original);
  let measured: Awaited<ReturnType<typeof measureEncoders>>;
  let gradcam: Awaited<ReturnType<typeof measureGradcam>>;
  try {
    measured = await measureEncoders(branches, base, dataset, seeds, lap, say('measure'));
    say('gradcam')(`Grad-CAM focus on ${samples} test pairs per model`);
    gradcam = await measureGradcam(base, branches.checkpoints, world, samples, lap);
  } finally {
    base.dispose();
  }
  // QA accuracy of the three MLLMs on the world's held-out questions: the headroom post-training had.
  say('qa')('QA accuracy of the base, SFT and DPO MLLMs on the test split');
  const qa = await lap('qa accuracy', () => measureQa(branches.checkpoints, world));
  const rows = studyRows(measured, gradcam, qa);

  const examples = await lap('render examples', () => htmlExamples(gradcam, measured, dataset, options.examples ?? 3));
  // The window's example pictures (examples/ + examples.json); the report still loads without them.
  const windowExamples = await lap('write examples', () =>
    writeExamples(out, {
      gradcam: { original: gradcam.variant.baseSft, sft: gradcam.variant.sft, dpo: gradcam.variant.dpo },
      gradcamLayer: { layer: gradcam.standard.layer, protocol: `gradcam-focus/layer/hidden-state-${gradcam.standard.layer}`, results: { sft: gradcam.standard.sft, dpo: gradcam.standard.dpo } },
      dataset,
      predictions: {
        original: measured.original.segmentation.result.predictions?.images,
        sft: measured.sft.segmentation.result.predictions?.images,
        dpo: measured.dpo.segmentation.result.predictions?.images,
      },
    }));
  durationsMs.total = Date.now() - started;
  const report = studyReport({
    out, runDir, recipe, backend: backend.name, seeds, samples, world, dataset, branches, measured, gradcam, qa, rows, durationsMs, examplesFile: windowExamples.file,
  });
  await writeStudyReport(report, examples);
  return { report, examples };
}
