// Names and labels of training runs as the window shows them. Type-only imports from src-shared keep zod out of the
// window's bundle; the Records fail to compile if the shared unions change.
import type { RunObjective, RunStatus } from '../../src-shared/domain/runs';

export const RUN_STATUS_LABELS = {
  queued: 'Queued',
  running: 'Running',
  paused: 'Paused',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
  crashed: 'Crashed',
} as const satisfies Record<RunStatus, string>;

export const OBJECTIVE_LABELS = {
  sft: 'SFT (chosen answers)',
  dpo: 'DPO (preference pairs)',
} as const satisfies Record<RunObjective, string>;
export const OBJECTIVES = Object.keys(OBJECTIVE_LABELS) as RunObjective[];

/** Statuses in which a run still holds or waits for the engine. */
export function isActive(status: RunStatus): boolean {
  return status === 'queued' || status === 'running' || status === 'paused';
}
