// The messages between main (or the CLI) and the engine host process, and compile-time checks that the engine's
// types and their wire forms in src-shared (which cannot import the engine) say the same thing.
import type { ErrorData } from '../../../src-shared/errors';
import type { BackendInfo, ENGINE_BACKENDS, RunEventData, RunResultData } from '../../../src-shared/domain/runs';
import type { BACKEND_NAMES, BackendStatus } from '../backend/availability';
import type { RunEvent, TrainOptions, TrainResult } from '../train/api';

/** What the host needs to train: TrainOptions without the callbacks, which it supplies itself. */
export type HostTrainOptions = Omit<TrainOptions, 'control' | 'onEvent'>;

/** Main → host. A host runs one job: a training run, or the backend probe. */
export type ToHost =
  | { type: 'start'; options: HostTrainOptions }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'cancel' }
  | { type: 'backends' };

/** Host → main. `done` or `failed` is the last message of a run; the host exits after it. */
export type FromHost =
  | { type: 'event'; event: RunEvent }
  /** Acknowledges pause / resume / cancel: the job sees it at its next step boundary. */
  | { type: 'state'; state: 'paused' | 'running' | 'stopping' }
  | { type: 'done'; result: TrainResult }
  | { type: 'failed'; error: ErrorData }
  | { type: 'backends'; backends: BackendStatus[] };

/** The environment variable naming the module whose `train(options)` the host runs (default: the engine's). */
export const ENGINE_JOB_ENV = 'PIVOT_ENGINE_JOB';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Agree<T extends true> = T;
export type RunEventsAgree = Agree<Same<RunEvent, RunEventData>>;
export type TrainResultsAgree = Agree<Same<TrainResult, RunResultData>>;
export type BackendNamesAgree = Agree<Same<(typeof BACKEND_NAMES)[number], (typeof ENGINE_BACKENDS)[number]>>;
export type BackendStatusesFit = Agree<BackendStatus extends BackendInfo ? true : false>;
