// Probe-as-you-train: the linear probe (and the segmentation probe when the world has masks) of the encoder being
// trained, measured every `probeEvery` steps of a branch on a fixed small split, so the loss curves get the two
// numbers the study is about beside them — when and how the SFT and DPO encoders part ways. The same functions as
// `pivot study`, on the model in memory: a value equals that probe run on the checkpoint of the same step.
import { existsSync } from 'node:fs';
import { TRAINING_PROBE_METRICS } from '../../../src-shared/domain/runs';
import { PivotError } from '../../../src-shared/errors';
import type { Mllm } from '../models/mllm/model';
import { firstImages, shapesWorldDataset, type ProbeDataset } from '../probes/image-folder';
import { EncoderImages, measureLinear, measureSegmentation, mllmLoadedEncoder } from '../study/measure-encoder';

/** The fixed split: the world's first images (file order), one probe seed. Small, since it runs inside training. */
export const TRAINING_PROBE_IMAGES = 120;
export const TRAINING_PROBE_SEED = 0;

export interface TrainingProbe {
  /** How the probe was set up, for the run log. */
  description: string;
  /** The probes of `model`'s encoder as it is now. */
  measure(model: Mllm): Promise<Record<string, number>>;
}

/** The world's first `count` images: the split every measurement of every branch uses. */
export async function trainingProbeDataset(world: string, count = TRAINING_PROBE_IMAGES): Promise<ProbeDataset> {
  let dataset: ProbeDataset;
  try {
    dataset = await shapesWorldDataset(world);
  } catch (error) {
    throw new PivotError('INVALID_CONFIG', `probeEvery needs the run's data to be a Shapes world (labels, and masks for the segmentation probe): ${(error as Error).message}. Remove probeEvery from the branch, or train on a Shapes world.`, { file: world, field: 'probeEvery' });
  }
  return firstImages(dataset, count);
}

export async function trainingProbe(world: string): Promise<TrainingProbe> {
  const dataset = await trainingProbeDataset(world);
  const withMasks = dataset.maskClassNames.length > 0 && dataset.items.every((i) => i.mask !== undefined && existsSync(i.mask));
  let images: EncoderImages | null = null;
  return {
    description: `the linear probe${withMasks ? ' and the segmentation probe' : ''} on the first ${dataset.items.length} images of ${dataset.root}, probe seed ${TRAINING_PROBE_SEED}`,
    async measure(model: Mllm): Promise<Record<string, number>> {
      // One model object per stage, its weights updated in place: the decoded images are kept for the next step.
      if (images?.encoder.model !== model.encoder) images = new EncoderImages(mllmLoadedEncoder(model, dataset.root), dataset);
      const values: Record<string, number> = {
        [TRAINING_PROBE_METRICS.linear]: (await measureLinear(images, [TRAINING_PROBE_SEED])).result.accuracy.mean,
      };
      if (withMasks) values[TRAINING_PROBE_METRICS.segmentation] = (await measureSegmentation(images, [TRAINING_PROBE_SEED])).result.mIoU.mean;
      return values;
    },
  };
}
