// What a sweep measures on each encoder, with the study's own functions: the linear probe and the segmentation probe
// (mean over probe seeds), the MLLM's QA accuracy on held-out questions (how much headroom a setting leaves or
// uses), and, when asked, the Grad-CAM focus of the whole MLLM under its own loss.
import { gradcamFocus, type GradcamFocusResult } from '../analysis/gradcam-focus';
import { EncoderImages, measureLinear, openCheckpointEncoder, measureSegmentation } from '../study/measure-encoder';
import { heldOutSplit } from '../study/qa-row';
import { qaAccuracy, QA_PROTOCOL } from '../eval/qa-accuracy';
import { openMllm } from '../eval/open-mllm';
import type { ProbeDataset } from '../probes/image-folder';
import type { Objective } from '../train';
import type { Measured, Measurements } from './result-files';

export const SWEEP_METRICS = ['linear', 'segRecall', 'mIoU', 'qa', 'focus'] as const;
export type SweepMetric = (typeof SWEEP_METRICS)[number];

export const METRIC_LABELS: Record<SweepMetric, string> = {
  linear: 'linear probe acc',
  segRecall: 'seg. macro recall',
  mIoU: 'seg. mIoU',
  qa: 'QA accuracy (MLLM)',
  focus: 'focus (own loss)',
};

/** The study's Grad-CAM variant (the projector's gradient), as in `pivot study`. */
const GRADCAM_METHOD = 'projector-l1' as const;

export type { Measured, Measurements } from './result-files';

/** The linear and segmentation probes of the encoder of `checkpoint`. */
export async function measureProbes(checkpoint: string, dataset: ProbeDataset, probeSeeds: readonly number[]): Promise<Measurements> {
  const encoder = await openCheckpointEncoder(checkpoint);
  try {
    const images = new EncoderImages(encoder, dataset);
    const linear = (await measureLinear(images, probeSeeds)).result;
    const seg = (await measureSegmentation(images, probeSeeds)).result;
    const linearSizes = linear.perSeed[0]?.sizes;
    const segSizes = seg.perSeed[0]?.sizes;
    const linearSplit = linearSizes ? { testSize: linearSizes.test, trainSize: linearSizes.train + linearSizes.val } : {};
    const segSplit = segSizes ? { testSize: segSizes.testImages, trainSize: segSizes.trainImages } : {};
    return {
      linear: { value: linear.accuracy.mean, std: linear.accuracy.std, over: 'probe seeds', values: linear.accuracy.perSeed, chance: linear.chance.majority, ceiling: linear.ceiling, protocol: linear.protocol, ...linearSplit },
      segRecall: { value: seg.macroRecall.mean, std: seg.macroRecall.std, over: 'probe seeds', values: seg.macroRecall.perSeed, chance: seg.chance.macroRecall, ceiling: seg.ceiling.macroRecall, protocol: seg.protocol, ...segSplit },
      mIoU: { value: seg.mIoU.mean, std: seg.mIoU.std, over: 'probe seeds', values: seg.mIoU.perSeed, chance: seg.chance.mIoU, ceiling: seg.ceiling.mIoU, protocol: `${seg.protocol} (mIoU, ${seg.upsample} upsampling)`, ...segSplit },
    };
  } finally {
    encoder.model.dispose();
  }
}

function focusMeasured(r: GradcamFocusResult): Measured {
  const values = r.samples.map((s) => s.score).filter((s): s is number => s !== null);
  return { value: r.mean, std: r.std, over: 'pairs', values, chance: r.chance, ceiling: 1, protocol: `gradcam-focus/${r.method}/${r.objective}-loss, ${r.n} ${r.split} pairs` };
}

/**
 * Grad-CAM focus of the MLLM in `checkpoint` under `objective`'s loss on up to `samples` pairs of the world's test
 * split; DPO's loss is taken against `reference` (the base MLLM the branch started from), as in `pivot study`.
 */
export async function measureFocus(checkpoint: string, world: string, objective: Objective, samples: number, reference?: string): Promise<Measured> {
  const model = await openMllm(checkpoint);
  const ref = reference !== undefined ? await openMllm(reference) : undefined;
  try {
    return focusMeasured(await gradcamFocus(model, world, { method: GRADCAM_METHOD, objective, samples, ...(ref ? { reference: ref } : {}) }));
  } finally {
    model.dispose();
    ref?.dispose();
  }
}

/** The QA accuracy of the MLLM in `checkpoint` on the world's held-out questions; std = binomial standard error. */
export async function measureQa(checkpoint: string, world: string): Promise<Measured> {
  const model = await openMllm(checkpoint);
  try {
    const r = await qaAccuracy(model, world, { split: heldOutSplit(world) });
    return {
      value: r.accuracy, std: r.se, over: 'questions', values: r.samples.map((x) => (x.correct ? 1 : 0)),
      chance: r.chance, ceiling: 1, protocol: `${QA_PROTOCOL}, ${r.n} ${r.split} questions`, testSize: r.n, trainSize: null,
    };
  } finally {
    model.dispose();
  }
}
