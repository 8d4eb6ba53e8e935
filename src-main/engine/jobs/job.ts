// What a job kind is to the engine host: the schema its options are checked with, and how to run it with the host's
// control (pause / resume / cancel, seen at step boundaries) and a way to report progress. The host knows no kind.
import type { z } from 'zod';
import type { RunControl } from '../train/api';

export interface JobContext<Progress> {
  /** Pause, resume and cancel as the parent sent them; a kind without step-boundary cancel ignores it (it is killed). */
  control: RunControl;
  /** Sends one progress report to the parent. */
  progress(progress: Progress): void;
}

export interface JobKind<Options, Progress, Result> {
  /**
   * How a cancel ends it: `step` — the job sees it at its next step boundary and ends itself (the parent kills it
   * only after a grace period); `kill` — the job has no such boundary, so the parent kills its host at once.
   */
  cancel: 'step' | 'kill';
  /** Checks what the parent sent before the job starts. */
  options: z.ZodType<Options>;
  run(options: Options, context: JobContext<Progress>): Promise<Result>;
}
