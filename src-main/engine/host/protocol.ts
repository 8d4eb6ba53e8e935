// The messages between main (or the CLI) and the engine host process — one job of any kind, generic over the kinds
// of jobs/registry.ts — and compile-time checks that the engine's types and their wire forms in src-shared (which
// cannot import the engine) say the same thing.
import type { ErrorData } from '../../../src-shared/errors';
import type { BackendInfo, ENGINE_BACKENDS, EncoderExportReport, RunEventData, RunResultData } from '../../../src-shared/domain/runs';
import type { BACKEND_NAMES, BackendStatus } from '../backend/availability';
import type { ExportReport } from '../export';
import type { JobKindName, JobOptions, JobProgress, JobResult } from '../jobs/registry';
import type { RunEvent, TrainResult } from '../train/api';

/** Main → host. A host runs one job; pause / resume / cancel reach the job at its next step boundary. */
export type ToHost =
  | { [K in JobKindName]: { type: 'job'; kind: K; options: JobOptions<K> } }[JobKindName]
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'cancel' };

/** Host → main, for a job of kind K. `done` or `failed` is the last message; the host exits after it. */
export type FromHost<K extends JobKindName = JobKindName> =
  | { type: 'progress'; progress: JobProgress<K> }
  /** Acknowledges pause / resume / cancel: the job sees it at its next step boundary. */
  | { type: 'state'; state: 'paused' | 'running' | 'stopping' }
  | { type: 'done'; result: JobResult<K> }
  | { type: 'failed'; error: ErrorData };

/** The argument that names a module whose `jobs` the host runs instead of the registry's of the same kind (tests). */
export const JOB_MODULE_ARG = '--jobs=';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Agree<T extends true> = T;
export type RunEventsAgree = Agree<Same<RunEvent, RunEventData>>;
export type TrainResultsAgree = Agree<Same<TrainResult, RunResultData>>;
export type BackendNamesAgree = Agree<Same<(typeof BACKEND_NAMES)[number], (typeof ENGINE_BACKENDS)[number]>>;
export type ExportReportsAgree = Agree<Same<ExportReport, EncoderExportReport>>;
export type BackendStatusesFit = Agree<BackendStatus extends BackendInfo ? true : false>;
