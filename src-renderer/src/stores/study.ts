// A study started from the Compare tab (`studies:start`): the recipes to pick from, the running study's phase and
// progress (its `job:progress` events), Cancel, and — once its report is written — the report list refreshed with
// the new report opened. One study at a time (the app refuses a second one too).
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { RecipeInfo } from '../../../src-shared/domain/runs';
import type { Events, RequestOf } from '../../../src-shared/ipc/contract';
import { newJobId, useApi } from '../api';
import { errorMessage } from '../lib/format';
import { useCompareStore } from './compare';
import { useToastsStore } from './toasts';

export interface StudyChoice {
  recipe: string;
  /** Workspace pairs both branches train on instead of the recipe's data. */
  data?: RequestOf<'studies:start'>['data'];
  /** The base MLLM instead of the recipe's. */
  model?: RequestOf<'studies:start'>['model'];
  quick: boolean;
  seeds: number;
}

export const useStudyStore = defineStore('study', () => {
  const api = useApi();
  const toasts = useToastsStore();
  const compare = useCompareStore();
  const recipes = ref<RecipeInfo[]>([]);
  /** The running study's job id. */
  const job = ref<string | null>(null);
  const progress = ref<Omit<Events['job:progress'], 'job'> | null>(null);
  const cancelling = ref(false);
  /** Why the last study did not finish (shown in the dialog beside the toast). */
  const error = ref<string | null>(null);

  api.on('job:progress', ({ job: id, ...p }) => {
    if (id === job.value) progress.value = p;
  });

  async function loadRecipes(): Promise<void> {
    try {
      recipes.value = await api.recipes.list({});
    } catch (err) {
      toasts.error(err, 'Loading the recipes');
    }
  }

  /** Runs the study to its end: the new report's name (now open in the Compare tab), or null if cancelled or failed. */
  async function start(choice: StudyChoice): Promise<string | null> {
    if (job.value) return null;
    const id = newJobId('study');
    job.value = id;
    progress.value = null;
    cancelling.value = false;
    error.value = null;
    try {
      const name = await api.studies.start({ ...choice, job: id });
      if (name === null) {
        toasts.info('Study cancelled: nothing was written.');
        return null;
      }
      toasts.success(`Study finished: report ${name}.`);
      await compare.loadList(name);
      return name;
    } catch (err) {
      error.value = errorMessage(err);
      toasts.error(err, 'Running the study');
      return null;
    } finally {
      job.value = null;
      progress.value = null;
      cancelling.value = false;
    }
  }

  /** Asks the app to stop the study; `start` then ends with null. */
  async function cancel(): Promise<void> {
    if (!job.value || cancelling.value) return;
    cancelling.value = true;
    try {
      await api.studies.cancel({ job: job.value });
    } catch (err) {
      cancelling.value = false;
      toasts.error(err, 'Cancelling the study');
    }
  }

  return { recipes, job, progress, cancelling, error, running: computed(() => job.value !== null), loadRecipes, start, cancel };
});
