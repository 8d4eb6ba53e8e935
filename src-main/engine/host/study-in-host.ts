// The study (`runStudy`: both branches trained, three encoders measured, the report written) on a fresh engine host,
// never on main's event loop. runStudy has no step-boundary cancel, so cancelling kills the host; every outcome is
// settled only once the host has exited, so nothing writes into the study's folder after it.
import { PivotError, type ErrorData } from '../../../src-shared/errors';
import type { StudyProgress } from '../study/run-study';
import type { HostLauncher } from './engine-host';
import { endedEarlyError, keepOutputTail } from './ended-early';
import type { HostStudyOptions } from './protocol';

export type StudyOutcome = { status: 'completed'; out: string; totalMs: number } | { status: 'cancelled' };

export interface StudyInHost {
  /** Completed (the report is in `out`) or cancelled; rejects with the host's own error, or how it died. */
  finished: Promise<StudyOutcome>;
  /** Kills the host (no-op once it has answered); `finished` then resolves cancelled when it has exited. */
  cancel(): void;
}

export function studyInHost(launch: HostLauncher, options: HostStudyOptions, onProgress: (progress: StudyProgress) => void = () => undefined): StudyInHost {
  const host = launch();
  const tail = keepOutputTail(host);
  let answer: { type: 'studied'; out: string; totalMs: number } | { type: 'failed'; error: ErrorData } | null = null;
  let cancelled = false;
  const finished = new Promise<StudyOutcome>((resolve, reject) => {
    host.onMessage((message) => {
      if (answer) return;
      if (message.type === 'study-progress' && !cancelled) onProgress(message.progress);
      else if (message.type === 'studied' || message.type === 'failed') answer = message;
    });
    host.onExit((code, signal, error) => {
      if (answer?.type === 'studied') return resolve({ status: 'completed', out: answer.out, totalMs: answer.totalMs });
      if (answer?.type === 'failed') return reject(PivotError.fromJSON(answer.error));
      if (cancelled) return resolve({ status: 'cancelled' });
      reject(endedEarlyError(code, signal, error, 'before the study finished; no report was written', tail()));
    });
  });
  host.send({ type: 'study', options });
  return {
    finished,
    cancel() {
      if (answer || cancelled) return;
      cancelled = true;
      host.kill();
    },
  };
}
