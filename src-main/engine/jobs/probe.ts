// The `probe` job: one MLLM checkpoint's vision encoder probed on a dataset (by default the one its run trained on) —
// linear probe and / or segmentation probe, the functions `pivot probe` and the study measure with — returning the
// numbers; progress names each probe as it starts.
import { z } from 'zod';
import { ENCODER_PROBES, type EncoderProbe, type EncoderProbeResult } from '../../../src-shared/domain/runs';
import type { JobKind } from './job';

export interface ProbeJobOptions {
  /** An MLLM checkpoint folder (mllm.json), its encoder/ probed, or a LLaVA folder (an imported run), its vision tower probed. */
  checkpoint: string;
  /** A Shapes world, class folders or images/ + masks/ folders; default the data the run folder `runDir` trained on. */
  data?: string;
  /** The run folder the checkpoint belongs to. */
  runDir: string;
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

export const probeJob: JobKind<ProbeJobOptions, ProbeJobProgress, EncoderProbeResult> = {
  cancel: 'kill',
  options: z.object({
    checkpoint: z.string().min(1),
    data: z.string().min(1).optional(),
    runDir: z.string().min(1),
    probes: z.array(z.enum(ENCODER_PROBES)).min(1),
    seeds: z.number().int().min(1).max(10),
    backend: z.string().min(1).optional(),
    threads: z.number().int().min(1).max(1024).optional(),
  }),
  async run(options, { progress }) {
    const [{ selectBackend }, { openProbeDataset }, m, { worldFolder }] = await Promise.all([
      import('../backend/select'),
      import('../probes/image-folder'),
      import('../study/measure-encoder'),
      import('../study/run-study'),
    ]);
    const backend = await selectBackend(options.backend, options.threads ? { threads: options.threads } : {});
    const dataset = await openProbeDataset(options.data ?? worldFolder(options.runDir));
    const encoder = await m.openCheckpointEncoder(options.checkpoint);
    const images = new m.EncoderImages(encoder, dataset);
    const seeds = m.seedList(options.seeds);
    const result: EncoderProbeResult = { encoder: encoder.dir, data: dataset.root, backend: backend.name, seeds: seeds.length };
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
