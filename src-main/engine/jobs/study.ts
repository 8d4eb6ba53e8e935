// The `study` job: runStudy — both branches trained, three encoders measured, the report written into `out` — with
// its phases and training events as progress. It has no step-boundary cancel: the parent cancels it by killing it.
import { z } from 'zod';
import type { StudyOptions, StudyProgress } from '../study/run-study';
import type { JobKind } from './job';

/** runStudy's options without the progress callback, which the host supplies. */
export type StudyJobOptions = Omit<StudyOptions, 'onProgress'>;

/** Where the report is and how long the study took. */
export interface StudyJobResult {
  out: string;
  totalMs: number;
}

export const studyJob: JobKind<StudyJobOptions, StudyProgress, StudyJobResult> = {
  cancel: 'kill',
  options: z.object({
    out: z.string().min(1),
    quick: z.boolean().optional(),
    recipe: z.string().min(1).optional(),
    data: z.string().min(1).optional(),
    seeds: z.number().int().min(1).optional(),
    probeImages: z.number().int().min(1).optional(),
    backend: z.string().min(1).optional(),
    threads: z.number().int().min(1).max(1024).optional(),
    gradcamSamples: z.number().int().min(1).optional(),
    examples: z.number().int().min(0).optional(),
  }),
  async run(options, { progress }) {
    const { runStudy } = await import('../study/run-study');
    const { report } = await runStudy({ ...options, onProgress: progress });
    return { out: report.out, totalMs: report.durationsMs.total ?? 0 };
  },
};
