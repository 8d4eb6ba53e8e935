// A sweep started from the Compare tab (`sweeps:start`): the running sweep's progress (its `job:progress` events),
// Cancel, and — once sweep.md is written — its summary (the table of where DPO's encoder beats SFT's). One sweep at
// a time (the app refuses a second one too).
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { SweepSummary } from '../../../src-shared/domain/runs';
import type { Events } from '../../../src-shared/ipc/contract';
import { newJobId, useApi } from '../api';
import { errorMessage } from '../lib/format';
import { useToastsStore } from './toasts';

export interface SweepChoice {
  recipe: string;
  probeSeeds: number;
}

export const useSweepStore = defineStore('sweep', () => {
  const api = useApi();
  const toasts = useToastsStore();
  /** The running sweep's job id. */
  const job = ref<string | null>(null);
  const progress = ref<Omit<Events['job:progress'], 'job'> | null>(null);
  const cancelling = ref(false);
  /** The last sweep that finished here. */
  const summary = ref<SweepSummary | null>(null);
  /** Why the last sweep did not finish (shown in the dialog beside the toast). */
  const error = ref<string | null>(null);

  api.on('job:progress', ({ job: id, ...p }) => {
    if (id === job.value) progress.value = p;
  });

  /** Runs the sweep to its end: its summary, or null if it was cancelled or failed. */
  async function start(choice: SweepChoice): Promise<SweepSummary | null> {
    if (job.value) return null;
    const id = newJobId('sweep');
    job.value = id;
    progress.value = null;
    cancelling.value = false;
    error.value = null;
    summary.value = null;
    try {
      const done = await api.sweeps.start({ ...choice, job: id });
      if (done === null) {
        toasts.info('Sweep cancelled: its finished points are kept in its folder.');
        return null;
      }
      summary.value = done;
      toasts.success(`Sweep finished: ${done.out}.`);
      return done;
    } catch (err) {
      error.value = errorMessage(err);
      toasts.error(err, 'Running the sweep');
      return null;
    } finally {
      job.value = null;
      progress.value = null;
      cancelling.value = false;
    }
  }

  /** Asks the app to stop the sweep; `start` then ends with null. */
  async function cancel(): Promise<void> {
    if (!job.value || cancelling.value) return;
    cancelling.value = true;
    try {
      await api.sweeps.cancel({ job: job.value });
    } catch (err) {
      cancelling.value = false;
      toasts.error(err, 'Cancelling the sweep');
    }
  }

  return { job, progress, cancelling, summary, error, running: computed(() => job.value !== null), start, cancel };
});
