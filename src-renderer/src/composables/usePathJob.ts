// The run of a dialog that sends one long request for a path (import, export, encoder export): the path, whether
// it runs, the job whose progress to show, the error and the result. `start` checks the path, clears the last error
// and result, runs the request and shows how it ended — the result, or the error in the dialog and as a toast.
import { computed, ref, type Ref } from 'vue';
import { errorMessage } from '../lib/format';
import { useJobsStore } from '../stores/jobs';
import { useToastsStore } from '../stores/toasts';

export interface PathJobOptions {
  /** The error for a blank path: what to enter. */
  missing: string;
  /** A further check of the trimmed path: what is wrong with it, or null. */
  check?: (path: string) => string | null;
  /** What the user was doing, to prefix a failure's toast (`Import: Cannot read …`). */
  doing: string;
}

export function usePathJob<R>(options: PathJobOptions) {
  const jobs = useJobsStore();
  const toasts = useToastsStore();

  const path = ref('');
  const running = ref(false);
  const jobId = ref<string | null>(null);
  const error = ref<string | null>(null);
  // A cast, not `ref<R | null>`: ref() would unwrap refs nested in R, which these results never hold.
  const result = ref(null) as Ref<R | null>;

  const job = computed(() => (jobId.value ? jobs.jobs[jobId.value] : undefined));
  /** Whether the run button is on: a path entered and nothing running (the path's checks wait for the click). */
  const ready = computed(() => !running.value && path.value.trim() !== '');

  function pathProblem(trimmed: string): string | null {
    if (!trimmed) return options.missing;
    return options.check?.(trimmed) ?? null;
  }

  /**
   * Runs `request` with the trimmed path and a callback for the job id it starts (its progress shows meanwhile);
   * `done` then tells the user (toasts, reloads) — a failure there shows like the request's own.
   */
  async function start(
    request: (path: string, onJob: (id: string) => void) => Promise<R>,
    done: (result: R) => void | Promise<void>,
  ): Promise<void> {
    const trimmed = path.value.trim();
    const problem = pathProblem(trimmed);
    if (problem) {
      error.value = problem;
      return;
    }
    if (running.value) return;
    running.value = true;
    error.value = null;
    result.value = null;
    try {
      const answer = await request(trimmed, (id) => (jobId.value = id));
      result.value = answer;
      await done(answer);
    } catch (err) {
      error.value = errorMessage(err);
      toasts.error(err, options.doing);
    } finally {
      running.value = false;
      jobId.value = null;
    }
  }

  return { path, running, job, error, result, ready, start };
}
