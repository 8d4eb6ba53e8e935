// The `backends` job: every backend's standing here (probing loads tfjs, wasm and the cuda addon, which must not
// happen in main: a broken addon would take the window down with it).
import { z } from 'zod';
import type { BackendStatus } from '../backend/availability';
import type { JobKind } from './job';

export const backendsJob: JobKind<Record<string, never>, never, BackendStatus[]> = {
  cancel: 'kill',
  options: z.object({}).strict() as z.ZodType<Record<string, never>>,
  async run() {
    const { listBackends } = await import('../backend/select');
    return listBackends();
  },
};
