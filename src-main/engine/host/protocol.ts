// The messages between main (or the CLI) and the engine host process, and compile-time checks that the engine's
// types and their wire forms in src-shared (which cannot import the engine) say the same thing.
import type { ErrorData } from '../../../src-shared/errors';
import type { BackendInfo, ENGINE_BACKENDS, RunEventData, RunResultData } from '../../../src-shared/domain/runs';
import type { EncoderExportReport } from '../../../src-shared/ipc/contract';
import type { BACKEND_NAMES, BackendStatus } from '../backend/availability';
import type { StudyOptions, StudyProgress } from '../study/run-study';
import type { ExportOptions, ExportReport } from '../export';
import type { RunEvent, TrainOptions, TrainResult } from '../train/api';

/** What the host needs to train: TrainOptions without the callbacks, which it supplies itself. */
export type HostTrainOptions = Omit<TrainOptions, 'control' | 'onEvent'>;

/** What the host needs to export an encoder: the export's own options, and the backend to re-load and check it on. */
export type HostExportOptions = ExportOptions & { backend?: string };

/** What the host needs to run the study: runStudy's options without the progress callback, which it supplies. */
export type HostStudyOptions = Omit<StudyOptions, 'onProgress'>;

/** Main → host. A host runs one job: a training run, an encoder export, the study, or the backend probe. */
export type ToHost =
  | { type: 'start'; options: HostTrainOptions }
  | { type: 'export'; options: HostExportOptions }
  /** The study has no step-boundary cancel: main cancels it by killing the host. */
  | { type: 'study'; options: HostStudyOptions }
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
  | { type: 'backends'; backends: BackendStatus[] }
  /** The export has its backend and is writing (then checking) the folder; `exported` or `failed` follows. */
  | { type: 'exporting'; backend: string }
  | { type: 'exported'; report: ExportReport }
  /** The study's phases and its training events, as runStudy reports them; `studied` or `failed` follows. */
  | { type: 'study-progress'; progress: StudyProgress }
  /** The study wrote report.json, report.html and examples/ into `out`, in `totalMs`. */
  | { type: 'studied'; out: string; totalMs: number };

/** The environment variable naming the module whose `train(options)` the host runs (default: the engine's). */
export const ENGINE_JOB_ENV = 'PIVOT_ENGINE_JOB';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Agree<T extends true> = T;
export type RunEventsAgree = Agree<Same<RunEvent, RunEventData>>;
export type TrainResultsAgree = Agree<Same<TrainResult, RunResultData>>;
export type BackendNamesAgree = Agree<Same<(typeof BACKEND_NAMES)[number], (typeof ENGINE_BACKENDS)[number]>>;
export type ExportReportsAgree = Agree<Same<ExportReport, EncoderExportReport>>;
export type BackendStatusesFit = Agree<BackendStatus extends BackendInfo ? true : false>;
