// Long requests (`pairs:bulk`, `data:import`, `data:export`, `runs:export`, `probes:start`) and their progress from
// `job:progress` events, keyed by the job id the window chose.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Events } from '../../../src-shared/ipc/contract';
import { newJobId, useApi } from '../api';

export type JobKind = 'bulk' | 'import' | 'export' | 'probe';
export type JobProgress = Events['job:progress'];

export interface Job {
  id: string;
  kind: JobKind;
  done: number;
  total: number;
  label: string;
}

export const useJobsStore = defineStore('jobs', () => {
  const api = useApi();
  const jobs = ref<Record<string, Job>>({});

  api.on('job:progress', (p) => {
    const job = jobs.value[p.job];
    if (!job) return;
    jobs.value[p.job] = { ...job, done: p.done, total: p.total, label: p.label };
  });

  /** Runs a long request with a fresh job id; its progress is in `jobs[id]` until it ends. */
  async function run<T>(kind: JobKind, request: (job: string) => Promise<T>, onStart?: (job: string) => void): Promise<T> {
    const id = newJobId(kind);
    jobs.value[id] = { id, kind, done: 0, total: 0, label: 'starting…' };
    onStart?.(id);
    try {
      return await request(id);
    } finally {
      const { [id]: _ended, ...rest } = jobs.value;
      jobs.value = rest;
    }
  }

  /** The running job of a kind, if any (one at a time per kind in this window). */
  function active(kind: JobKind): Job | undefined {
    return Object.values(jobs.value).find((j) => j.kind === kind);
  }

  return { jobs, run, active, running: computed(() => Object.keys(jobs.value).length > 0) };
});
