// Every job kind an engine host can run, by name: adding a kind is one file beside this one and one line here.
// Each kind's file holds only its schema and a `run` that loads the engine when called, so this list is cheap to load.
import { backendsJob } from './backends';
import { exportJob } from './export';
import type { JobKind } from './job';
import { pairFitJob } from './pair-fit';
import { probeJob } from './probe';
import { studyJob } from './study';
import { sweepJob } from './sweep';
import { trainJob } from './train';

export const JOBS = {
  train: trainJob,
  export: exportJob,
  study: studyJob,
  backends: backendsJob,
  sweep: sweepJob,
  probe: probeJob,
  'pair-fit': pairFitJob,
} as const;

export type JobKindName = keyof typeof JOBS;

type Parts<J> = J extends JobKind<infer Options, infer Progress, infer Result> ? { options: Options; progress: Progress; result: Result } : never;
/** What a kind is started with. */
export type JobOptions<K extends JobKindName> = Parts<(typeof JOBS)[K]>['options'];
/** What a kind reports while it runs. */
export type JobProgress<K extends JobKindName> = Parts<(typeof JOBS)[K]>['progress'];
/** What a kind answers with when it is done. */
export type JobResult<K extends JobKindName> = Parts<(typeof JOBS)[K]>['result'];

/** Any job kind, as the host runs it without knowing which. */
export type AnyJobKind = JobKind<unknown, unknown, unknown>;

export function isJobKindName(kind: string): kind is JobKindName {
  return Object.hasOwn(JOBS, kind);
}
