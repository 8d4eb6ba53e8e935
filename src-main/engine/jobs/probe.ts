// The `probe` job: one MLLM checkpoint's vision encoder probed on a dataset — linear probe and / or segmentation
// probe, the functions `pivot probe` and the study measure with — returning the numbers; progress names each probe.
import { z } from 'zod';
import type { MeanStd } from '../probes/stats';
import type { JobKind } from './job';

export const ENCODER_PROBES = ['linear', 'segmentation'] as const;
export type EncoderProbe = (typeof ENCODER_PROBES)[number];

export interface ProbeJobOptions {
  /** An MLLM checkpoint folder (mllm.json): its encoder/ is probed. */
  checkpoint: string;
  /** A Shapes world, class folders or images/ + masks/ folders. */
  data: string;
  probes: EncoderProbe[];
  /** Seeds 0..seeds-1. */
  seeds: number;
  backend?: string;
  threads?: number;
}

/** The probe starting now (1-based, of `of`). */
export interface ProbeJobProgress {
  probe: EncoderProbe;
  index: number;
  of: number;
}

export interface ProbeJobResult {
  encoder: string;
  data: string;
  backend: string;
  seeds: number;
  linear?: { accuracy: MeanStd; chance: number; ceiling: number };
  segmentation?: { macroRecall: MeanStd; mIoU: MeanStd; chance: { macroRecall: number; mIoU: number } };
}

export const probeJob: JobKind<ProbeJobOptions, ProbeJobProgress, ProbeJobResult> = {
  cancel: 'kill',
  options: z.object({
    checkpoint: z.string().min(1),
    data: z.string().min(1),
    probes: z.array(z.enum(ENCODER_PROBES)).min(1),
    seeds: z.number().int().min(1).max(10),
    backend: z.string().min(1).optional(),
    threads: z.number().int().min(1).max(1024).optional(),
  }),
  async run(options, { progress }) {
    const [{ join }, { selectBackend }, { openProbeDataset }, m] = await Promise.all([
      import('node:path'),
      import('../backend/select'),
      import('../probes/image-folder'),
      import('../demo/measure-encoder'),
    ]);
    const backend = await selectBackend(options.backend, options.threads ? { threads: options.threads } : {});
    const dataset = await openProbeDataset(options.data);
    const encoder = await m.loadEncoderFolder(join(options.checkpoint, 'encoder'));
    const images = new m.EncoderImages(encoder, dataset);
    const seeds = m.seedList(options.seeds);
    const result: ProbeJobResult = { encoder: encoder.dir, data: dataset.root, backend: backend.name, seeds: seeds.length };
    try {
      for (const [i, probe] of options.probes.entries()) {
        progress({ probe, index: i + 1, of: options.probes.length });
        if (probe === 'linear') {
          const { result: r } = await m.measureLinear(images, seeds);
          result.linear = { accuracy: r.accuracy, chance: r.chance.majority, ceiling: r.ceiling };
        } else {
          const { result: r } = await m.measureSegmentation(images, seeds);
          result.segmentation = { macroRecall: r.macroRecall, mIoU: r.mIoU, chance: r.chance };
        }
      }
    } finally {
      encoder.model.dispose();
    }
    return result;
  },
};
