// report.html's example pictures: the first Grad-CAM pairs (the same pairs for both models, with their standard
// Grad-CAM maps when both have one) and the first seed's segmentation test images, as inline PNGs.
import { classPalette } from '../../../src-shared/domain/class-colours';
import type { GradcamFocusResult } from '../analysis/gradcam-focus';
import type { ProbeDataset } from '../probes/image-folder';
import { readMaskPng } from '../probes/mask-png';
import { classMapPng, heatmapOverImagePng, imagePng, pngDataUrl } from './images';
import type { Measured } from './measure-encoders';
import type { GradcamMeasured } from './measure-gradcam';
import type { ReportExamples } from './report-html';
import type { Column } from './report-json';

const SIZE = 96;

type Sample = GradcamFocusResult['samples'][number];

async function heatmap(result: GradcamFocusResult, sample: Sample): Promise<string> {
  return pngDataUrl(await heatmapOverImagePng(sample.map, result.gridH, result.gridW, sample.image, sample.mask, SIZE));
}

async function gradcamExamples({ variant, standard }: GradcamMeasured, count: number): Promise<ReportExamples['gradcam']> {
  const out: ReportExamples['gradcam'] = [];
  for (let i = 0; i < Math.min(count, variant.sft.samples.length, variant.dpo.samples.length); i++) {
    const a = variant.sft.samples[i] as Sample;
    const b = variant.dpo.samples[i] as Sample;
    // The standard Grad-CAM maps of the same pair (the same sample order), when both models have one.
    const c = standard.sft.samples[i];
    const d = standard.dpo.samples[i];
    const layer = c && d && c.id === a.id && d.id === a.id
      ? { sft: await heatmap(standard.sft, c), dpo: await heatmap(standard.dpo, d), sftScore: c.score, dpoScore: d.score, hiddenState: standard.layer }
      : undefined;
    out.push({
      id: a.id, question: a.question, image: pngDataUrl(await imagePng(a.image, SIZE)),
      sft: await heatmap(variant.sft, a), dpo: await heatmap(variant.dpo, b), sftScore: a.score, dpoScore: b.score,
      ...(layer ? { layer } : {}),
    });
  }
  return out;
}

async function segmentationExamples(measured: Record<Column, Measured>, dataset: ProbeDataset, count: number): Promise<ReportExamples['segmentation']> {
  const out: ReportExamples['segmentation'] = [];
  const sftPred = measured.sft.segmentation.result.predictions?.images ?? [];
  const dpoPred = new Map((measured.dpo.segmentation.result.predictions?.images ?? []).map((p) => [p.index, p]));
  // The window's colours for these classes, so that report.html and the Compare tab draw a class alike.
  const palette = classPalette(dataset.maskClassNames);
  for (const p of sftPred.slice(0, count)) {
    const q = dpoPred.get(p.index);
    const item = dataset.items[p.index];
    if (!q || !item?.mask) continue;
    out.push({
      id: item.id, image: pngDataUrl(await imagePng(item.image, SIZE)), truth: pngDataUrl(await classMapPng(await readMaskPng(item.mask), palette, SIZE)),
      sft: pngDataUrl(await classMapPng({ width: p.width, height: p.height, data: p.classes }, palette, SIZE)),
      dpo: pngDataUrl(await classMapPng({ width: q.width, height: q.height, data: q.classes }, palette, SIZE)),
    });
  }
  return out;
}

export async function htmlExamples(gradcam: GradcamMeasured, measured: Record<Column, Measured>, dataset: ProbeDataset, count: number): Promise<ReportExamples> {
  return { gradcam: await gradcamExamples(gradcam, count), segmentation: await segmentationExamples(measured, dataset, count) };
}
