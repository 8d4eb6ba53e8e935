// The `export` job: a trained encoder written as a Hugging Face folder and re-loaded to check it, on the backend
// asked for; its one progress report names that backend once the writing starts.
import { z } from 'zod';
import { OBJECTIVES } from '../../../src-shared/domain/runs';
import type { ExportOptions, ExportReport } from '../export';
import type { JobKind } from './job';

/** The export's own options (without measurements for the model card) and the backend to re-load and check it on. */
export type ExportJobOptions = Omit<ExportOptions, 'measurements'> & { backend?: string };

/** The export has its backend and is writing (then checking) the folder. */
export interface ExportJobProgress {
  backend: string;
}

export const exportJob: JobKind<ExportJobOptions, ExportJobProgress, ExportReport> = {
  cancel: 'kill',
  options: z.object({
    runDir: z.string().min(1).optional(),
    checkpoint: z.string().min(1).optional(),
    out: z.string().min(1),
    withProjector: z.boolean().optional(),
    force: z.boolean().optional(),
    stage: z.string().min(1).optional(),
    objective: z.enum(OBJECTIVES).optional(),
    name: z.string().optional(),
    backend: z.string().min(1).optional(),
  }),
  async run({ backend, ...options }, { progress }) {
    const [{ exportEncoder }, { selectBackend }] = await Promise.all([import('../export'), import('../backend/select')]);
    const selected = await selectBackend(backend);
    progress({ backend: selected.name });
    return exportEncoder(options);
  },
};
