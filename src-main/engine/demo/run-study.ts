// `runStudy`: the whole study in one call — train the sft and dpo branches of a built-in recipe in one run folder,
// measure the three encoders (original = the base MLLM's, SFT, DPO), write report.json and report.html.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { GradcamMethod } from '../analysis/gradcam';
import { gradcamFocus, type GradcamFocusResult } from '../analysis/gradcam-focus';
import { selectBackend } from '../backend/select';
import { hiddenStateIndex } from '../models/clip/encoder';
import { loadMllm } from '../models/mllm/checkpoint';
import type { Mllm } from '../models/mllm/model';
import { shapesWorldDataset, type ProbeDataset } from '../probes/image-folder';
import { readMaskPng } from '../probes/mask-png';
import { train, type Objective, type RunEvent, type TrainResult } from '../train';
import { writeExamples } from './examples';
import { classMapPng, heatmapOverImagePng, imagePng, pngDataUrl } from './images';
import {
  captionLmFeatures, EncoderImages, loadEncoderFolder, measureAlignment, measureLinear, measureLinearWithProjector, measureSegmentation, seedList,
  type AlignmentLm, type AlignmentMeasurement, type LinearMeasurement, type SegmentationMeasurement,
} from './measure-encoder';
import { measureQa, qaDetails, qaRow } from './qa-row';
import { writeReportHtml, type ReportExamples } from './report-html';
import { COLUMNS, row, writeReportJson, type Column, type DemoReport, type EncoderSource, type MetricCell } from './report-json';
import { summariseMetrics } from './training-summary';

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
  /** A recipe name or file instead of the built-in one (tests). */
  recipe?: string;
  /** Probe seeds 0..seeds-1. Default 3. */
  seeds?: number;
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
  report: DemoReport;
  examples: ReportExamples;
}

interface Measured {
  linear: LinearMeasurement;
  /** The same probe on the MLLM's visual tokens: encoder + projector, what its LM receives. */
  linearProjector: LinearMeasurement;
  segmentation: SegmentationMeasurement;
  alignment: AlignmentMeasurement;
}

const GRADCAM_METHOD = 'projector-l1' as const;

function linearCell(m: LinearMeasurement, column: string, probed = 'encoder'): MetricCell {
  const r = m.result;
  return {
    mean: r.accuracy.mean, std: r.accuracy.std, spread: 'seeds', values: r.accuracy.perSeed, seeds: r.perSeed.map((s) => s.seed),
    chance: r.chance.majority, ceiling: r.ceiling, protocol: r.protocol,
    note: `${column} ${probed}, hidden state ${m.layer}; ${m.data}; chance = majority class (uniform ${r.chance.uniform.toFixed(3)})`,
  };
}

function segCells(m: SegmentationMeasurement, column: string): { recall: MetricCell; miou: MetricCell } {
  const r = m.result;
  const seeds = r.perSeed.map((s) => s.seed);
  const note = `${column} encoder, hidden state ${m.layer}; ${m.data}; head ${r.head.layers}, ${r.head.epochs} epochs, LR ${r.head.learningRate}`;
  return {
    recall: { mean: r.macroRecall.mean, std: r.macroRecall.std, spread: 'seeds', values: r.macroRecall.perSeed, seeds, chance: r.chance.macroRecall, ceiling: r.ceiling.macroRecall, protocol: r.protocol, note },
    miou: { mean: r.mIoU.mean, std: r.mIoU.std, spread: 'seeds', values: r.mIoU.perSeed, seeds, chance: r.chance.mIoU, ceiling: r.ceiling.mIoU, protocol: `${r.protocol} (mIoU, ${r.upsample} upsampling)`, note },
  };
}

function focusCell(r: GradcamFocusResult, note: string): MetricCell {
  return {
    mean: r.mean, std: r.std, spread: 'samples', values: r.samples.map((s) => s.score).filter((s): s is number => s !== null), seeds: null,
    chance: r.chance, ceiling: 1, protocol: `gradcam-focus/${r.method}/${r.objective}-loss`,
    note: `${note}; ${r.n} pairs of the ${r.split} split${r.skipped ? `, ${r.skipped} empty maps skipped` : ''}`,
  };
}

function alignmentCell(m: AlignmentMeasurement, column: string): MetricCell {
  const r = m.result;
  return {
    mean: r.max.score, std: 0, spread: 'single', values: [r.max.score], seeds: null,
    // Expected mutual k-NN overlap of unrelated features: k / (n − 1).
    chance: r.k / (r.samples - 1), ceiling: 1, protocol: `mutual-knn/k${r.k}/max-over-layer-pairs`,
    note: `${column} encoder (${m.visionPooling}) vs ${m.lm}; best pair: vision block ${r.max.visionLayer + 1} × LM hidden state ${r.max.lmLayer}; ${m.data}`,
  };
}

/** The data folder a run folder trained on (the probe job reads it too). */
export function worldFolder(runDir: string): string {
  const path = join(runDir, 'recipe.json');
  if (existsSync(path)) {
    const json = JSON.parse(readFileSync(path, 'utf8')) as { data?: { resolvedFolder?: unknown } };
    if (typeof json.data?.resolvedFolder === 'string') return json.data.resolvedFolder;
  }
  return join(runDir, 'data');
}

function checkpointOf(result: TrainResult, stage: string): string {
  const s = result.stages.find((x) => x.name === stage);
  if (!s || s.checkpoint === '') throw new Error(`the ${result.objective} run has no checkpoint of stage ${stage}`);
  return s.checkpoint;
}

export async function runStudy(options: StudyOptions): Promise<StudyResult> {
  const started = Date.now();
  const durationsMs: Record<string, number> = {};
  const lap = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const t = Date.now();
    try {
      return await f();
    } finally {
      durationsMs[name] = Date.now() - t;
    }
  };
  const say = (phase: string, message: string) => options.onProgress?.({ type: 'phase', phase, message });
  const out = resolve(options.out);
  const runDir = join(out, 'run');
  await mkdir(out, { recursive: true });
  const recipe = options.recipe ?? (options.quick ? 'shapes-quick' : 'shapes-study');
  const seeds = seedList(options.seeds ?? 3);
  const samples = options.gradcamSamples ?? (options.quick ? 16 : 32);
  const exampleCount = options.examples ?? 3;
  const backend = await selectBackend(options.backend, { threads: options.threads });

  // 1. Training: the shared stages once, then each branch from the last shared checkpoint.
  const trained = {} as Record<Objective, TrainResult>;
  for (const objective of ['sft', 'dpo'] as const) {
    say('train', `Training the ${objective} branch of ${recipe} in ${runDir}`);
    trained[objective] = await lap(`train ${objective}`, () =>
      train({ recipe, objective, runDir, backend: backend.name, onEvent: (event) => options.onProgress?.({ type: 'train', objective, event }) }));
    options.onProgress?.({ type: 'trained', objective, result: trained[objective] });
    if (trained[objective].cancelled) throw new Error(`training the ${objective} branch was cancelled`);
  }
  await selectBackend(backend.name);
  const sftStages = trained.sft.stages;
  const baseStage = sftStages[sftStages.length - 2];
  if (!baseStage) throw new Error(`${recipe}: the pipeline has no stage before the post-training branch, so there is no base MLLM to compare with`);
  const baseCheckpoint = checkpointOf(trained.sft, baseStage.name);
  if (checkpointOf(trained.dpo, baseStage.name) !== baseCheckpoint) throw new Error(`the sft and dpo branches start from different ${baseStage.name} checkpoints`);
  const checkpoints: Record<Column, string> = { original: baseCheckpoint, sft: trained.sft.finalCheckpoint, dpo: trained.dpo.finalCheckpoint };
  const encoders: Record<Column, EncoderSource> = {
    original: { column: 'original', stage: baseStage.name, checkpoint: baseCheckpoint, encoder: join(baseCheckpoint, 'encoder'),
      note: `the encoder of the base MLLM: the "${baseStage.name}" stage's checkpoint, the one both post-training branches start from (not an untrained tower)` },
    sft: { column: 'sft', stage: 'sft', checkpoint: checkpoints.sft, encoder: join(checkpoints.sft, 'encoder'), note: 'the encoder after the SFT branch' },
    dpo: { column: 'dpo', stage: 'dpo', checkpoint: checkpoints.dpo, encoder: join(checkpoints.dpo, 'encoder'), note: 'the encoder after the DPO branch' },
  };

  // 2. The world the run trained on.
  const world = worldFolder(runDir);
  const dataset: ProbeDataset = await shapesWorldDataset(world);
  const pairs = readFileSync(join(world, 'pairs.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '').length;

  // 3. Probes and alignment per encoder; the LM side of alignment is the base checkpoint's LM, computed once.
  const base = await loadMllm(baseCheckpoint);
  const measured = {} as Record<Column, Measured>;
  let gradcam: { baseSft: GradcamFocusResult; baseDpo: GradcamFocusResult; sft: GradcamFocusResult; dpo: GradcamFocusResult };
  // Standard Grad-CAM (method `layer`) of the SFT and DPO models on the same pairs, beside the study's variant.
  let standard: { layer: number; sft: GradcamFocusResult; dpo: GradcamFocusResult };
  try {
    const lm: AlignmentLm = { model: base.lm, encode: (t) => base.tokenizer.encode(t), padId: base.padTokenId, source: `the base checkpoint's LM (${baseStage.name}), mean-pooled captions` };
    const lmFeatures = await lap('alignment LM features', () => captionLmFeatures(lm, dataset));
    for (const column of COLUMNS) {
      say('measure', `Measuring the ${column} encoder: linear probe, segmentation probe, alignment`);
      const encoder = await loadEncoderFolder(encoders[column].encoder);
      try {
        const images = new EncoderImages(encoder, dataset);
        const linear = await lap(`linear ${column}`, () => measureLinear(images, seeds));
        const mllm = column === 'original' ? base : await loadMllm(checkpoints[column]);
        let linearProjector: LinearMeasurement;
        try {
          linearProjector = await lap(`linear encoder+projector ${column}`, () => measureLinearWithProjector(images, mllm, seeds));
        } finally {
          if (mllm !== base) mllm.dispose();
        }
        const segmentation = await lap(`segmentation ${column}`, () => measureSegmentation(images, seeds));
        const alignment = await lap(`alignment ${column}`, () => measureAlignment(images, lm, lmFeatures));
        measured[column] = { linear, linearProjector, segmentation, alignment };
      } finally {
        encoder.model.dispose();
      }
    }

    // 4. Grad-CAM focus: the base MLLM under each objective, each branch's model under its own.
    say('gradcam', `Grad-CAM focus on ${samples} test pairs per model`);
    const focus = (model: Mllm, objective: Objective, reference?: Mllm, method: GradcamMethod = GRADCAM_METHOD) =>
      gradcamFocus(model, world, { method, objective, samples, ...(reference ? { reference } : {}) });
    const baseSft = await lap('gradcam original (sft loss)', () => focus(base, 'sft'));
    const baseDpo = await lap('gradcam original (dpo loss)', () => focus(base, 'dpo'));
    const sftModel = await loadMllm(checkpoints.sft);
    let sft: GradcamFocusResult;
    let sftStandard: GradcamFocusResult;
    // Standard Grad-CAM explains the feature layer: the last hidden state whose tokens reach the projector.
    const standardLayer = hiddenStateIndex(sftModel.config.featureLayer, sftModel.encoder.config.num_hidden_layers);
    try {
      sft = await lap('gradcam sft', () => focus(sftModel, 'sft'));
      sftStandard = await lap('gradcam sft (standard)', () => focus(sftModel, 'sft', undefined, 'layer'));
    } finally {
      sftModel.dispose();
    }
    const dpoModel = await loadMllm(checkpoints.dpo);
    let dpo: GradcamFocusResult;
    let dpoStandard: GradcamFocusResult;
    try {
      // DPO's loss against its training reference: the base MLLM the branch started from.
      dpo = await lap('gradcam dpo', () => focus(dpoModel, 'dpo', base));
      dpoStandard = await lap('gradcam dpo (standard)', () => focus(dpoModel, 'dpo', base, 'layer'));
    } finally {
      dpoModel.dispose();
    }
    gradcam = { baseSft, baseDpo, sft, dpo };
    standard = { layer: standardLayer, sft: sftStandard, dpo: dpoStandard };
  } finally {
    base.dispose();
  }

  // 4b. QA accuracy of the three MLLMs on the world's held-out questions: the headroom post-training had.
  say('qa', 'QA accuracy of the base, SFT and DPO MLLMs on the test split');
  const qa = await lap('qa accuracy', () => measureQa(checkpoints, world));

  // 5. The table.
  const seg = { original: segCells(measured.original.segmentation, 'original'), sft: segCells(measured.sft.segmentation, 'SFT'), dpo: segCells(measured.dpo.segmentation, 'DPO') };
  const rows = [
    row('linear', 'linear probe acc', measured.sft.linear.result.protocol, {
      original: linearCell(measured.original.linear, 'original'), sft: linearCell(measured.sft.linear, 'SFT'), dpo: linearCell(measured.dpo.linear, 'DPO') }),
    row('linearProjector', 'linear probe (encoder + projector)', measured.sft.linearProjector.result.protocol, {
      original: linearCell(measured.original.linearProjector, 'original', 'encoder + projector (visual tokens)'),
      sft: linearCell(measured.sft.linearProjector, 'SFT', 'encoder + projector (visual tokens)'),
      dpo: linearCell(measured.dpo.linearProjector, 'DPO', 'encoder + projector (visual tokens)') }),
    row('segRecall', 'segmentation macro recall', measured.sft.segmentation.result.protocol, { original: seg.original.recall, sft: seg.sft.recall, dpo: seg.dpo.recall }),
    row('mIoU', 'segmentation mIoU', seg.sft.miou.protocol, { original: seg.original.miou, sft: seg.sft.miou, dpo: seg.dpo.miou }),
    row('focus', 'focus score (own loss)', `gradcam-focus/${GRADCAM_METHOD}`, {
      original: null, sft: focusCell(gradcam.sft, 'SFT model, SFT loss'), dpo: focusCell(gradcam.dpo, 'DPO model, DPO loss against the base MLLM as reference') }),
    row('focusSftLoss', 'focus score (SFT loss)', `gradcam-focus/${GRADCAM_METHOD}/sft-loss`, {
      original: focusCell(gradcam.baseSft, 'base MLLM, SFT loss'), sft: focusCell(gradcam.sft, 'SFT model, SFT loss'), dpo: null }),
    row('focusDpoLoss', 'focus score (DPO loss)', `gradcam-focus/${GRADCAM_METHOD}/dpo-loss`, {
      original: focusCell(gradcam.baseDpo, 'base MLLM, DPO loss with itself as reference (the loss at the start of DPO)'), sft: null,
      dpo: focusCell(gradcam.dpo, 'DPO model, DPO loss against the base MLLM as reference') }),
    row('focusStandard', 'focus score, standard Grad-CAM', `gradcam-focus/layer/hidden-state-${standard.layer}`, {
      original: null, sft: focusCell(standard.sft, `SFT model, SFT loss, Grad-CAM on encoder hidden state ${standard.layer}`),
      dpo: focusCell(standard.dpo, `DPO model, DPO loss against the base MLLM, Grad-CAM on encoder hidden state ${standard.layer}`) }),
    row('alignment', 'alignment (mutual k-NN)', measured.sft.alignment.result.k ? `mutual-knn/k${measured.sft.alignment.result.k}/max-over-layer-pairs` : 'mutual-knn', {
      original: alignmentCell(measured.original.alignment, 'original'), sft: alignmentCell(measured.sft.alignment, 'SFT'), dpo: alignmentCell(measured.dpo.alignment, 'DPO') }),
    qaRow(qa),
  ];

  // 6. Example pictures: the first Grad-CAM pairs (the same pairs for both models) and the first seed's test images.
  const examples = await lap('render examples', async (): Promise<ReportExamples> => {
    const size = 96;
    const g: ReportExamples['gradcam'] = [];
    for (let i = 0; i < Math.min(exampleCount, gradcam.sft.samples.length, gradcam.dpo.samples.length); i++) {
      const a = gradcam.sft.samples[i] as GradcamFocusResult['samples'][number];
      const b = gradcam.dpo.samples[i] as GradcamFocusResult['samples'][number];
      // The standard Grad-CAM maps of the same pair (the same sample order), when both models have one.
      const c = standard.sft.samples[i];
      const d = standard.dpo.samples[i];
      const layerMaps = c && d && c.id === a.id && d.id === a.id
        ? {
          sft: pngDataUrl(await heatmapOverImagePng(c.map, standard.sft.gridH, standard.sft.gridW, c.image, c.mask, size)),
          dpo: pngDataUrl(await heatmapOverImagePng(d.map, standard.dpo.gridH, standard.dpo.gridW, d.image, d.mask, size)),
          sftScore: c.score, dpoScore: d.score,
        }
        : undefined;
      g.push({
        id: a.id, question: a.question, image: pngDataUrl(await imagePng(a.image, size)),
        sft: pngDataUrl(await heatmapOverImagePng(a.map, gradcam.sft.gridH, gradcam.sft.gridW, a.image, a.mask, size)),
        dpo: pngDataUrl(await heatmapOverImagePng(b.map, gradcam.dpo.gridH, gradcam.dpo.gridW, b.image, b.mask, size)),
        sftScore: a.score, dpoScore: b.score,
        ...(layerMaps ? { layer: { ...layerMaps, hiddenState: standard.layer } } : {}),
      });
    }
    const s: ReportExamples['segmentation'] = [];
    const sftPred = measured.sft.segmentation.result.predictions?.images ?? [];
    const dpoPred = new Map((measured.dpo.segmentation.result.predictions?.images ?? []).map((p) => [p.index, p]));
    for (const p of sftPred.slice(0, exampleCount)) {
      const q = dpoPred.get(p.index);
      const item = dataset.items[p.index];
      if (!q || !item?.mask) continue;
      s.push({
        id: item.id, image: pngDataUrl(await imagePng(item.image, size)), truth: pngDataUrl(await classMapPng(await readMaskPng(item.mask), size)),
        sft: pngDataUrl(await classMapPng({ width: p.width, height: p.height, data: p.classes }, size)),
        dpo: pngDataUrl(await classMapPng({ width: q.width, height: q.height, data: q.classes }, size)),
      });
    }
    return { gradcam: g, segmentation: s };
  });

  const resolvedRecipe = existsSync(join(runDir, 'recipe.json')) ? (JSON.parse(readFileSync(join(runDir, 'recipe.json'), 'utf8')) as unknown) : null;
  // The window's example pictures (examples/ + examples.json); the report still loads without them.
  const windowExamples = await lap('write examples', () =>
    writeExamples(out, {
      gradcam: { original: gradcam.baseSft, sft: gradcam.sft, dpo: gradcam.dpo },
      gradcamLayer: { layer: standard.layer, protocol: `gradcam-focus/layer/hidden-state-${standard.layer}`, results: { sft: standard.sft, dpo: standard.dpo } },
      dataset,
      predictions: {
        original: measured.original.segmentation.result.predictions?.images,
        sft: measured.sft.segmentation.result.predictions?.images,
        dpo: measured.dpo.segmentation.result.predictions?.images,
      },
    }));
  durationsMs.total = Date.now() - started;
  const files = { json: join(out, 'report.json'), html: join(out, 'report.html'), examples: windowExamples.file };
  const strip = (m: Measured) => ({
    linear: { ...m.linear, result: { ...m.linear.result } },
    linearProjector: m.linearProjector,
    segmentation: { ...m.segmentation, result: { ...m.segmentation.result, predictions: undefined } },
    alignment: m.alignment,
  });
  const focusDetails = (r: GradcamFocusResult) => ({ method: r.method, objective: r.objective, split: r.split, n: r.n, mean: r.mean, std: r.std, chance: r.chance, skipped: r.skipped, perSample: r.samples.map((x) => ({ id: x.id, score: x.score, maskFraction: x.maskFraction, loss: x.loss })) });
  const report: DemoReport = {
    version: 1,
    tool: 'pivot demo',
    date: new Date().toISOString(),
    backend: backend.name,
    out,
    runDir,
    recipe: { name: recipe, source: typeof (resolvedRecipe as { recipe?: unknown } | null)?.recipe === 'string' ? ((resolvedRecipe as { recipe: string }).recipe) : recipe, resolved: resolvedRecipe },
    world: { folder: world, images: dataset.items.length, testImages: dataset.items.filter((i) => i.split === 'test').length, pairs },
    seeds,
    encoders,
    rows,
    details: {
      original: strip(measured.original), sft: strip(measured.sft), dpo: strip(measured.dpo),
      qa: qaDetails(qa),
      gradcam: { originalSftLoss: focusDetails(gradcam.baseSft), originalDpoLoss: focusDetails(gradcam.baseDpo), sft: focusDetails(gradcam.sft), dpo: focusDetails(gradcam.dpo),
        standardSft: focusDetails(standard.sft), standardDpo: focusDetails(standard.dpo) },
    },
    training: summariseMetrics(runDir),
    durationsMs,
    files,
    notes: [
      `original = ${encoders.original.note}.`,
      `Linear and segmentation probes use all ${dataset.items.length} images of the run's Shapes world, each seed drawing its own 80/20 test split (the world's own test split has ${dataset.items.filter((i) => i.split === 'test').length} images: too few to probe); the MLLM saw the non-test images during training, never their labels or masks.`,
      'Linear probe (encoder + projector): the same protocol on each MLLM\'s visual tokens (its feature layer, class token dropped, through its projector: what its LM receives), mean-pooled and L2-normalised.',
      `Segmentation protocol kept as published: 2-layer MLP head, 5 epochs, Adam LR 1e-3, seeds ${seeds.join(', ')}.`,
      `Grad-CAM focus: ${GRADCAM_METHOD}, up to ${samples} pairs of the world's test split (never trained on); std is over those pairs, not seeds.`,
      `Standard Grad-CAM (the "focus score, standard Grad-CAM" row): on encoder hidden state ${standard.layer}, the MLLM's feature layer, the same pairs; SFT model under the SFT loss, DPO model under the DPO loss against the base MLLM.`,
      'Alignment: mutual k-NN (k = 10) over all images and their captions; one deterministic measurement, so it has no noise estimate. Vision features per block, LM features of the base checkpoint, max over layer pairs.',
      `QA accuracy (MLLM): the base, SFT and DPO models on the ${qa.original.n} pairs of the world's ${qa.original.split} split, every possible answer of each question ranked by its log-prob (no generation); std is the binomial standard error over those questions, chance the mean 1/|candidates|.`,
    ],
  };
  await writeReportJson(files.json, report);
  await writeReportHtml(files.html, report, examples);
  return { report, examples };
}
