// A study's progress as `job:progress` carries it: `done` / `total` count runStudy's phases (training SFT, training
// DPO, measuring each of the three encoders, Grad-CAM, QA), fractional while a branch trains (its stages and steps),
// and the label says the phase, with the training stage and step. The numbers and label of one job fit the event as
// it is, so the window needs no study-specific event.
import type { StudyProgress } from '../engine/study/run-study';

/** The phases runStudy announces, in order: train sft, train dpo, measure ×3, Grad-CAM, QA (which also writes the report). */
export const STUDY_PHASES = 7;

/** Training steps are reported at most this often (a branch reports every step); phases and stages always. */
const STEP_INTERVAL_MS = 250;

export interface StudyProgressUpdate {
  done: number;
  total: number;
  label: string;
}

export interface StudyProgressTracker {
  /** The study asked for, before the host has said anything. */
  starting(): void;
  push(progress: StudyProgress): void;
  /** The report is in the workspace under `name`. */
  finished(name: string): void;
}

/**
 * `runDir` is the study's run folder (a temporary one): runStudy's training message names it, the label leaves it out.
 * `now` is the clock the step throttle reads (tests give their own).
 */
export function studyProgressTracker(runDir: string, emit: (update: StudyProgressUpdate) => void, now: () => number = Date.now): StudyProgressTracker {
  let phase = -1;
  let phaseLabel = '';
  let stage: { name: string; index: number; of: number } | null = null;
  let lastStepAt = Number.NEGATIVE_INFINITY;
  const send = (done: number, label: string) => emit({ done: Math.round(Math.min(done, STUDY_PHASES) * 1000) / 1000, total: STUDY_PHASES, label });
  const stageLabel = (s: { name: string; index: number; of: number }) => `${phaseLabel}: stage ${s.name} (${s.index}/${s.of})`;

  return {
    starting: () => send(0, 'Starting the engine…'),
    push(progress) {
      if (progress.type === 'phase') {
        phase = Math.min(phase + 1, STUDY_PHASES - 1);
        const where = ` in ${runDir}`;
        phaseLabel = progress.message.endsWith(where) ? progress.message.slice(0, -where.length) : progress.message;
        stage = null;
        send(phase, phaseLabel);
        return;
      }
      // A branch's result says nothing the progress bar needs: its last step has been reported.
      if (progress.type === 'trained') return;
      const event = progress.event;
      const at = Math.max(phase, 0);
      if (event.type === 'stage') {
        stage = { name: event.stage, index: event.index, of: event.of };
        lastStepAt = Number.NEGATIVE_INFINITY;
        send(at + (event.index - 1) / event.of, stageLabel(stage));
      } else if (event.type === 'metrics' && stage && event.totalSteps > 0) {
        const t = now();
        if (t - lastStepAt < STEP_INTERVAL_MS && event.step < event.totalSteps) return;
        lastStepAt = t;
        send(at + (stage.index - 1 + event.step / event.totalSteps) / stage.of, `${stageLabel(stage)}, step ${event.step} / ${event.totalSteps}`);
      }
    },
    finished: (name) => send(STUDY_PHASES, `Report ${name} written`),
  };
}
