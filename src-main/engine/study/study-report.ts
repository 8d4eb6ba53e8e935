// The study's last phase: report.json's fields beyond the table (the recipe as run, the world, the measurements'
// details, the training curves, the notes on how each number was measured), written with report.html beside it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GradcamFocusResult } from '../analysis/gradcam-focus';
import { probeReliability, type ProbeReliability } from '../analysis/probe-reliability';
import type { ProbeDataset } from '../probes/image-folder';
import { readRunManifest } from '../run-folder/manifest';
import type { Measured } from './measure-encoders';
import { GRADCAM_METHOD, type GradcamMeasured } from './measure-gradcam';
import { qaDetails, type QaByColumn } from './qa-row';
import { writeReportHtml, type ReportExamples } from './report-html';
import { writeReportJson, type ComparisonRow, type WrittenStudyReport } from './report-json';
import { summariseMetrics } from './training-summary';
import type { TrainedBranches } from './train-branches';
import type { Column } from './report-json';

export interface StudyOutcome {
  out: string;
  runDir: string;
  recipe: string;
  backend: string;
  seeds: number[];
  samples: number;
  world: string;
  dataset: ProbeDataset;
  branches: TrainedBranches;
  measured: Record<Column, Measured>;
  gradcam: GradcamMeasured;
  qa: QaByColumn;
  rows: ComparisonRow[];
  durationsMs: Record<string, number>;
  /** examples/examples.json, relative to the report folder. */
  examplesFile: string;
}

// Segmentation predictions are pictures (in examples/), not numbers for report.json.
const stripMeasured = (m: Measured) => ({
  linear: { ...m.linear, result: { ...m.linear.result } },
  linearProjector: m.linearProjector,
  segmentation: { ...m.segmentation, result: { ...m.segmentation.result, predictions: undefined } },
  alignment: m.alignment,
});

const focusDetails = (r: GradcamFocusResult) => ({
  method: r.method, objective: r.objective, split: r.split, n: r.n, mean: r.mean, std: r.std, chance: r.chance, skipped: r.skipped,
  perSample: r.samples.map((x) => ({ id: x.id, score: x.score, maskFraction: x.maskFraction, loss: x.loss })),
});

function notes(s: StudyOutcome): string[] {
  const { dataset, seeds, samples, qa } = s;
  const layer = s.gradcam.standard.layer;
  return [
    `original = ${s.branches.encoders.original.note}.`,
    `Linear and segmentation probes use all ${dataset.items.length} images of the run's Shapes world, each seed drawing its own 80/20 test split (the world's own test split has ${dataset.items.filter((i) => i.split === 'test').length} images: too few to probe); the MLLM saw the non-test images during training, never their labels or masks.`,
    'Linear probe (encoder + projector): the same protocol on each MLLM\'s visual tokens (its feature layer, class token dropped, through its projector: what its LM receives), mean-pooled and L2-normalised.',
    `Segmentation protocol kept as published: 2-layer MLP head, 5 epochs, Adam LR 1e-3, seeds ${seeds.join(', ')}.`,
    `Grad-CAM focus: ${GRADCAM_METHOD}, up to ${samples} pairs of the world's test split (never trained on); std is over those pairs, not seeds.`,
    `Standard Grad-CAM (the "focus score, standard Grad-CAM" row): on encoder hidden state ${layer}, the MLLM's feature layer, the same pairs; SFT model under the SFT loss, DPO model under the DPO loss against the base MLLM.`,
    'Alignment: mutual k-NN (k = 10) over all images and their captions; one deterministic measurement, so it has no noise estimate. Vision features per block, LM features of the base checkpoint, max over layer pairs.',
    `QA accuracy (MLLM): the base, SFT and DPO models on the ${qa.original.n} pairs of the world's ${qa.original.split} split, every possible answer of each question ranked by its log-prob (no generation); std is the binomial standard error over those questions, chance the mean 1/|candidates|.`,
  ];
}

/** What each probe can see, at the base encoder's scores and the first probe seed's split sizes. */
export function studyReliability(original: Measured, qa: QaByColumn['original']): ProbeReliability[] {
  const linear = original.linear.result;
  const seg = original.segmentation.result;
  const linearSizes = linear.perSeed[0]?.sizes;
  const segSizes = seg.perSeed[0]?.sizes;
  return [
    ...(linearSizes ? [probeReliability({ label: 'linear probe acc', at: linear.accuracy.mean, testSize: linearSizes.test, unit: 'images', trainSize: linearSizes.train + linearSizes.val })] : []),
    ...(segSizes ? [probeReliability({ label: 'segmentation macro recall', at: seg.macroRecall.mean, testSize: segSizes.testImages, unit: 'images', trainSize: segSizes.trainImages })] : []),
    probeReliability({ label: 'QA accuracy (MLLM)', at: qa.accuracy, testSize: qa.n, unit: 'questions', trainSize: null }),
  ];
}

/** The full report of a finished study. */
export function studyReport(s: StudyOutcome): WrittenStudyReport {
  const resolvedRecipe = readRunManifest(s.runDir);
  const pairs = readFileSync(join(s.world, 'pairs.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '').length;
  const { variant: g, standard } = s.gradcam;
  return {
    version: 1,
    tool: 'pivot demo',
    date: new Date().toISOString(),
    backend: s.backend,
    out: s.out,
    runDir: s.runDir,
    recipe: { name: s.recipe, source: resolvedRecipe?.recipe ?? s.recipe, resolved: resolvedRecipe },
    world: { folder: s.world, images: s.dataset.items.length, testImages: s.dataset.items.filter((i) => i.split === 'test').length, pairs },
    seeds: s.seeds,
    encoders: s.branches.encoders,
    rows: s.rows,
    details: {
      original: stripMeasured(s.measured.original), sft: stripMeasured(s.measured.sft), dpo: stripMeasured(s.measured.dpo),
      qa: qaDetails(s.qa),
      gradcam: { originalSftLoss: focusDetails(g.baseSft), originalDpoLoss: focusDetails(g.baseDpo), sft: focusDetails(g.sft), dpo: focusDetails(g.dpo),
        standardSft: focusDetails(standard.sft), standardDpo: focusDetails(standard.dpo) },
    },
    training: summariseMetrics(s.runDir),
    durationsMs: s.durationsMs,
    files: { json: join(s.out, 'report.json'), html: join(s.out, 'report.html'), examples: s.examplesFile },
    notes: notes(s),
    reliability: studyReliability(s.measured.original, s.qa.original),
  };
}

export async function writeStudyReport(report: WrittenStudyReport, examples: ReportExamples): Promise<void> {
  await writeReportJson(report.files.json, report);
  await writeReportHtml(report.files.html, report, examples);
}
