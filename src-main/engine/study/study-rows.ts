// The study's table: each measurement as a cell (mean ± std with its spread, chance, ceiling, protocol and what was
// measured) and the rows of report.json, in the order the table shows them.
import type { GradcamFocusResult } from '../analysis/gradcam-focus';
import type { MeasuredCell } from '../../../src-shared/domain/study-report';
import type { AlignmentMeasurement, LinearMeasurement, SegmentationMeasurement } from './measure-encoder';
import type { Measured } from './measure-encoders';
import { GRADCAM_METHOD, type GradcamMeasured } from './measure-gradcam';
import { qaRow, type QaByColumn } from './qa-row';
import { row, type Column, type ComparisonRow } from './report-json';

function linearCell(m: LinearMeasurement, column: string, probed = 'encoder'): MeasuredCell {
  const r = m.result;
  return {
    mean: r.accuracy.mean, std: r.accuracy.std, spread: 'seeds', values: r.accuracy.perSeed, seeds: r.perSeed.map((s) => s.seed),
    chance: r.chance.majority, ceiling: r.ceiling, protocol: r.protocol,
    note: `${column} ${probed}, hidden state ${m.layer}; ${m.data}; chance = majority class (uniform ${r.chance.uniform.toFixed(3)})`,
  };
}

function segCells(m: SegmentationMeasurement, column: string): { recall: MeasuredCell; miou: MeasuredCell } {
  const r = m.result;
  const seeds = r.perSeed.map((s) => s.seed);
  const note = `${column} encoder, hidden state ${m.layer}; ${m.data}; head ${r.head.layers}, ${r.head.epochs} epochs, LR ${r.head.learningRate}`;
  return {
    recall: { mean: r.macroRecall.mean, std: r.macroRecall.std, spread: 'seeds', values: r.macroRecall.perSeed, seeds, chance: r.chance.macroRecall, ceiling: r.ceiling.macroRecall, protocol: r.protocol, note },
    miou: { mean: r.mIoU.mean, std: r.mIoU.std, spread: 'seeds', values: r.mIoU.perSeed, seeds, chance: r.chance.mIoU, ceiling: r.ceiling.mIoU, protocol: `${r.protocol} (mIoU, ${r.upsample} upsampling)`, note },
  };
}

function focusCell(r: GradcamFocusResult, note: string): MeasuredCell {
  // Every model is mapped on the same pairs: named, so that DPO − SFT is taken pair by pair (an empty map is skipped).
  const scored = r.samples.flatMap((s) => (s.score !== null ? [{ id: s.id, score: s.score }] : []));
  return {
    mean: r.mean, std: r.std, spread: 'samples', values: scored.map((s) => s.score), seeds: null, sampleIds: scored.map((s) => s.id),
    chance: r.chance, ceiling: 1, protocol: `gradcam-focus/${r.method}/${r.objective}-loss`,
    note: `${note}; ${r.n} pairs of the ${r.split} split${r.skipped ? `, ${r.skipped} empty maps skipped` : ''}`,
  };
}

function alignmentCell(m: AlignmentMeasurement, column: string): MeasuredCell {
  const r = m.result;
  return {
    mean: r.max.score, std: 0, spread: 'single', values: [r.max.score], seeds: null,
    // Expected mutual k-NN overlap of unrelated features: k / (n − 1).
    chance: r.k / (r.samples - 1), ceiling: 1, protocol: `mutual-knn/k${r.k}/max-over-layer-pairs`,
    note: `${column} encoder (${m.visionPooling}) vs ${m.lm}; best pair: vision block ${r.max.visionLayer + 1} × LM hidden state ${r.max.lmLayer}; ${m.data}`,
  };
}

/** The table's rows: probes, segmentation, Grad-CAM focus (both variants), alignment, QA accuracy. */
export function studyRows(measured: Record<Column, Measured>, { variant: gradcam, standard }: GradcamMeasured, qa: QaByColumn): ComparisonRow[] {
  const seg = { original: segCells(measured.original.segmentation, 'original'), sft: segCells(measured.sft.segmentation, 'SFT'), dpo: segCells(measured.dpo.segmentation, 'DPO') };
  const projector = 'encoder + projector (visual tokens)';
  return [
    row('linear', 'linear probe acc', measured.sft.linear.result.protocol, {
      original: linearCell(measured.original.linear, 'original'), sft: linearCell(measured.sft.linear, 'SFT'), dpo: linearCell(measured.dpo.linear, 'DPO') }),
    row('linearProjector', 'linear probe (encoder + projector)', measured.sft.linearProjector.result.protocol, {
      original: linearCell(measured.original.linearProjector, 'original', projector),
      sft: linearCell(measured.sft.linearProjector, 'SFT', projector),
      dpo: linearCell(measured.dpo.linearProjector, 'DPO', projector) }),
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
}
