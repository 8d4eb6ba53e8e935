// Training runs in the window: the list, the selected run's metrics (history from `runs:metrics`, then live from
// `run:event`, never polled) and log, the recipes and backends for the start form, pause / resume / cancel, the
// errors kept until dismissed, and exporting or probing a finished run's encoder.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, triggerRef } from 'vue';
import type { BackendReport, EncoderProbeResult, MetricPoint, RecipeInfo, RunInfo, RunLogEntry, RunProgress, RunStartRequest } from '../../../src-shared/domain/runs';
import type { EncoderExportReport, Events, RequestOf } from '../../../src-shared/ipc/contract';
import { downsamplePoints } from '../../../src-shared/metrics/downsample';
import { useApi } from '../api';
import { errorMessage } from '../lib/format';
import type { XAxisKind } from '../lib/run-charts';
import { useJobsStore } from './jobs';
import { useToastsStore } from './toasts';

/** Points fetched for a chart; the live tail is folded back to this many when it has grown to twice as many. */
export const MAX_POINTS = 2000;
/** Log lines kept in the window (the whole log stays in the workspace). */
export const MAX_LOG_LINES = 5000;

type RunEventPayload = Events['run:event'];

/** An error kept on the Training tab until the user dismisses it: a request refused, or a run that failed or crashed. */
export interface TrainingAlert {
  id: number;
  /** The run it is about, if any (the alert offers to show it). */
  runId: number | null;
  message: string;
}

const FAILED_STATUSES: readonly RunInfo['status'][] = ['failed', 'crashed'];

export const useTrainingStore = defineStore('training', () => {
  const api = useApi();
  const toasts = useToastsStore();
  const jobs = useJobsStore();
  const runs = ref<RunInfo[]>([]);
  const selectedId = ref<number | null>(null);
  /** The selected run's points, in order; mutated in place and triggered (a live run adds one per step). */
  const points = shallowRef<MetricPoint[]>([]);
  const logs = shallowRef<RunLogEntry[]>([]);
  const loadingRun = ref(false);
  const recipes = ref<RecipeInfo[]>([]);
  const backends = ref<BackendReport | null>(null);
  const backendsError = ref<string | null>(null);
  const xAxis = ref<XAxisKind>('step');
  /** EMA weight of the charts, as TensorBoard's smoothing slider. */
  const smoothing = ref(0.6);
  const selected = computed(() => runs.value.find((r) => r.id === selectedId.value) ?? null);
  /** Runs drawn over the selected one on its charts, in the order chosen, with their points. */
  const overlaid = shallowRef<Array<{ id: number; points: MetricPoint[] }>>([]);
  const alerts = ref<TrainingAlert[]>([]);
  let alertId = 0;

  let subscribed = false;
  /** Events of the selected run that arrive while its history loads; merged after it. */
  let buffered: RunEventPayload[] | null = null;
  /** The stage each run is in (from `stage` events), for the progress shown in the list. */
  const stageOf = new Map<number, Pick<RunProgress, 'stageNumber' | 'stages' | 'plan'>>();
  let localLogId = 0;

  /** Subscribes to the run events (once) and loads the runs, recipes and backends. */
  async function init(): Promise<void> {
    if (!subscribed) {
      subscribed = true;
      api.on('run:event', applyEvent);
      api.on('run:status', applyStatus);
    }
    await Promise.all([loadRuns(), loadRecipes(), loadBackends()]);
  }

  async function loadRuns(): Promise<void> {
    try {
      runs.value = await api.runs.list({});
      const keep = selectedId.value !== null && runs.value.some((r) => r.id === selectedId.value);
      const first = runs.value[0];
      if (keep) await select(selectedId.value as number);
      else if (first) await select(first.id);
    } catch (err) {
      toasts.error(err, 'Loading the runs');
    }
  }

  async function loadRecipes(): Promise<void> {
    try {
      recipes.value = await api.recipes.list({});
    } catch (err) {
      toasts.error(err, 'Loading the recipes');
    }
  }

  async function loadBackends(): Promise<void> {
    try {
      backends.value = await api.engine.backends({});
      backendsError.value = null;
    } catch (err) {
      backendsError.value = err instanceof Error ? err.message : String(err);
    }
  }

  /** Draws a run over the selected one on the charts, or stops drawing it. */
  async function toggleOverlay(id: number): Promise<void> {
    if (overlaid.value.some((o) => o.id === id)) {
      overlaid.value = overlaid.value.filter((o) => o.id !== id);
      return;
    }
    if (id === selectedId.value) return;
    overlaid.value = [...overlaid.value, { id, points: [] }];
    try {
      const metrics = await api.runs.metrics({ id, maxPoints: MAX_POINTS });
      // Live points that arrived meanwhile come after the history.
      overlaid.value = overlaid.value.map((o) => (o.id === id ? { id, points: [...metrics.points, ...o.points.filter((p) => p.runStep > (metrics.points.at(-1)?.runStep ?? Number.NEGATIVE_INFINITY))] } : o));
    } catch (err) {
      overlaid.value = overlaid.value.filter((o) => o.id !== id);
      toasts.error(err, `Loading run ${id}'s metrics`);
    }
  }

  /** Shows a run: its recorded metrics and log, then whatever arrives live. */
  async function select(id: number): Promise<void> {
    overlaid.value = overlaid.value.filter((o) => o.id !== id);
    selectedId.value = id;
    loadingRun.value = true;
    buffered = [];
    points.value = [];
    logs.value = [];
    try {
      const [metrics, log] = await Promise.all([api.runs.metrics({ id, maxPoints: MAX_POINTS }), api.runs.logs({ id })]);
      if (selectedId.value !== id) return;
      points.value = metrics.points;
      logs.value = log.entries;
      const lastStep = metrics.points.at(-1)?.runStep ?? Number.NEGATIVE_INFINITY;
      const lastLogId = log.entries.at(-1)?.id ?? 0;
      for (const payload of buffered ?? []) append(payload, lastStep, lastLogId);
    } catch (err) {
      toasts.error(err, `Loading run ${id}`);
    } finally {
      if (selectedId.value === id) {
        buffered = null;
        loadingRun.value = false;
      }
    }
  }

  function applyEvent(payload: RunEventPayload): void {
    const { runId, event } = payload;
    if (event.type === 'stage') stageOf.set(runId, { stageNumber: event.index, stages: event.of, ...(event.plan ? { plan: event.plan } : {}) });
    if (event.type === 'metrics') {
      // A run selected mid-stage has its stage (and plan) in its recorded progress until its next stage event.
      const stage = stageOf.get(runId) ?? runs.value.find((r) => r.id === runId)?.progress ?? { stageNumber: 1, stages: 1 };
      const { stageNumber, stages, plan } = stage;
      updateRun(runId, { progress: { stage: event.stage, stageNumber, stages, ...(plan ? { plan } : {}), step: event.step, totalSteps: event.totalSteps } });
    }
    const over = overlaid.value.find((o) => o.id === runId);
    if (over && event.type === 'metrics' && payload.axis) {
      const { runStep, runMs } = payload.axis;
      const grown = [...over.points.filter((p) => p.runStep < runStep), { stage: event.stage, step: event.step, runStep, runMs, values: event.values }];
      over.points = grown.length >= 2 * MAX_POINTS ? downsamplePoints(grown, MAX_POINTS) : grown;
      triggerRef(overlaid);
    }
    if (runId !== selectedId.value) return;
    if (buffered) buffered.push(payload);
    else append(payload, Number.NEGATIVE_INFINITY, 0);
  }

  /** Adds a live event to the selected run's chart or log, unless the fetched history already holds it. */
  function append(payload: RunEventPayload, afterStep: number, afterLogId: number): void {
    const { event, axis, logId } = payload;
    if (event.type === 'metrics' && axis && axis.runStep > afterStep) {
      // A resumed run trains again the steps after its checkpoint: its new points replace those.
      while ((points.value.at(-1)?.runStep ?? Number.NEGATIVE_INFINITY) >= axis.runStep) points.value.pop();
      points.value.push({ stage: event.stage, step: event.step, runStep: axis.runStep, runMs: axis.runMs, values: event.values });
      if (points.value.length >= 2 * MAX_POINTS) points.value = downsamplePoints(points.value, MAX_POINTS);
      triggerRef(points);
    } else if (event.type === 'log' && (logId === undefined || logId > afterLogId)) {
      localLogId -= 1;
      logs.value.push({ id: logId ?? localLogId, at: new Date().toISOString(), level: event.level, message: event.message });
      if (logs.value.length > MAX_LOG_LINES) logs.value.splice(0, logs.value.length - MAX_LOG_LINES);
      triggerRef(logs);
    }
  }

  function applyStatus({ run }: Events['run:status']): void {
    const before = runs.value.find((r) => r.id === run.id);
    const statusBefore = before?.status;
    if (before) updateRun(run.id, run);
    else runs.value = [run, ...runs.value];
    if (FAILED_STATUSES.includes(run.status) && statusBefore !== run.status) {
      alert(run.id, `Run ${run.name} ${run.status === 'crashed' ? 'crashed' : 'failed'}: ${run.error ?? 'no reason was recorded (see its log)'}`);
    }
  }

  function alert(runId: number | null, message: string): void {
    alertId += 1;
    alerts.value = [...alerts.value, { id: alertId, runId, message }];
  }

  function dismissAlert(id: number): void {
    alerts.value = alerts.value.filter((a) => a.id !== id);
  }

  /** In place: a metrics event per step then touches only what shows that run's changed fields, not the whole list. */
  function updateRun(id: number, fields: Partial<RunInfo>): void {
    const run = runs.value.find((r) => r.id === id);
    if (run) Object.assign(run, fields);
  }

  /** Queues a run and shows it; returns it, or null when the app refused (an alert says why until dismissed). */
  async function start(request: RunStartRequest): Promise<RunInfo | null> {
    try {
      const run = await api.runs.start(request);
      applyStatus({ run });
      await select(run.id);
      return run;
    } catch (err) {
      alert(null, `Starting the run: ${errorMessage(err)}`);
      return null;
    }
  }

  /** The change itself arrives as a `run:status` event (the answer is the run as it was when asked). */
  async function control(verb: 'pause' | 'resume' | 'cancel', id: number): Promise<void> {
    try {
      await api.runs[verb]({ id });
    } catch (err) {
      alert(id, `${verb[0]?.toUpperCase()}${verb.slice(1)} run ${id}: ${errorMessage(err)}`);
    }
  }

  /**
   * Exports a finished run's encoder (`runs:export`) as a job, whose progress is in the jobs store under the id handed
   * to `onStart`; resolves with what was written and checked, or throws the app's error (the dialog shows it).
   */
  function exportEncoder(request: Omit<RequestOf<'runs:export'>, 'job'>, onStart?: (job: string) => void): Promise<EncoderExportReport> {
    return jobs.run('export', (job) => api.runs.export({ ...request, job }), onStart);
  }

  /** Probes a finished run's encoder (`probes:start`) as a job, like an export. */
  function probeEncoder(request: Omit<RequestOf<'probes:start'>, 'job'>, onStart?: (job: string) => void): Promise<EncoderProbeResult> {
    return jobs.run('probe', (job) => api.probes.start({ ...request, job }), onStart);
  }

  return {
    runs,
    selectedId,
    selected,
    points,
    logs,
    loadingRun,
    recipes,
    backends,
    backendsError,
    xAxis,
    smoothing,
    overlaid,
    toggleOverlay,
    alerts,
    dismissAlert,
    init,
    loadRuns,
    select,
    start,
    pause: (id: number) => control('pause', id),
    resume: (id: number) => control('resume', id),
    cancel: (id: number) => control('cancel', id),
    exportEncoder,
    probeEncoder,
    applyEvent,
    applyStatus,
  };
});
