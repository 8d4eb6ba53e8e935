// The study's second phase: the linear probe (on the encoder and on encoder + projector), the segmentation probe and
// the alignment of each of the three encoders; the LM side of alignment is the base MLLM's LM, computed once.
import type { Mllm } from '../models/mllm/model';
import { openMllm } from '../eval/open-mllm';
import type { ProbeDataset } from '../probes/image-folder';
import {
  captionLmFeatures, EncoderImages, loadEncoderFolder, measureAlignment, measureLinear, measureLinearWithProjector, measureSegmentation,
  type AlignmentLm, type AlignmentMeasurement, type LinearMeasurement, type SegmentationMeasurement,
} from './measure-encoder';
import type { Lap } from './phase-timer';
import { COLUMNS, type Column } from './report-json';
import type { TrainedBranches } from './train-branches';

export interface Measured {
  linear: LinearMeasurement;
  /** The same probe on the MLLM's visual tokens: encoder + projector, what its LM receives. */
  linearProjector: LinearMeasurement;
  segmentation: SegmentationMeasurement;
  alignment: AlignmentMeasurement;
}

/** Measures original, SFT and DPO in turn; `base` is the loaded base MLLM (kept loaded: the caller disposes it). */
export async function measureEncoders(
  branches: TrainedBranches, base: Mllm, dataset: ProbeDataset, seeds: readonly number[], lap: Lap, say: (message: string) => void,
): Promise<Record<Column, Measured>> {
  const measured = {} as Record<Column, Measured>;
  const lm: AlignmentLm = { model: base.lm, encode: (t) => base.tokenizer.encode(t), padId: base.padTokenId, source: `the base checkpoint's LM (${branches.baseStage}), mean-pooled captions` };
  const lmFeatures = await lap('alignment LM features', () => captionLmFeatures(lm, dataset));
  for (const column of COLUMNS) {
    say(`Measuring the ${column} encoder: linear probe, segmentation probe, alignment`);
    const encoder = await loadEncoderFolder(branches.encoders[column].encoder);
    try {
      const images = new EncoderImages(encoder, dataset);
      const linear = await lap(`linear ${column}`, () => measureLinear(images, seeds));
      const mllm = column === 'original' ? base : await openMllm(branches.checkpoints[column]);
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
  return measured;
}
