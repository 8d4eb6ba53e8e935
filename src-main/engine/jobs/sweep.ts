// The `sweep` job: what `pivot sweep` runs — a recipe's grid of branch settings × seeds trained from one base MLLM,
// every encoder probed, sweep.json and sweep.md written into `out` — with its points and training events as
// progress. It has no step-boundary cancel: the parent cancels it by killing it (the same `out` again resumes).
import { z } from 'zod';
import type { SweepOptions, SweepProgress } from '../sweep';
import type { JobKind } from './job';

/** runSweep's options without the progress callback, which the host supplies. */
export type SweepJobOptions = Omit<SweepOptions, 'onProgress'>;

/** The folder written and its two summary files. */
export interface SweepJobResult {
  out: string;
  markdown: string;
  json: string;
}

export const sweepJob: JobKind<SweepJobOptions, SweepProgress, SweepJobResult> = {
  cancel: 'kill',
  options: z.object({
    recipe: z.string().min(1),
    out: z.string().min(1),
    backend: z.string().min(1).optional(),
    threads: z.number().int().min(1).max(1024).optional(),
    probeSeeds: z.number().int().min(1).optional(),
    probeImages: z.number().int().min(1).optional(),
    focusSamples: z.number().int().min(1).optional(),
  }),
  async run(options, { progress }) {
    const { runSweep } = await import('../sweep');
    const report = await runSweep({ ...options, onProgress: progress });
    return { out: options.out, markdown: report.files.markdown, json: report.files.json };
  },
};
