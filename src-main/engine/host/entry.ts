// The engine host process: runs one job away from main's event loop — a training run (the engine's `train`, or the
// module named by $PIVOT_ENGINE_JOB), an encoder export, the study (`runStudy`), or the backend probe — and reports
// back through its parent link.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PivotError, type ErrorData } from '../../../src-shared/errors';
import type { TrainOptions, TrainResult } from '../train/api';
import { linkToParent } from './parent-port';
import { ENGINE_JOB_ENV, type HostExportOptions, type HostStudyOptions, type HostTrainOptions, type ToHost } from './protocol';
import { HostRunControl } from './run-control';

type Train = (options: TrainOptions) => Promise<TrainResult>;

/** After its parent went away, a cancelled job gets this long to write its checkpoint before the host exits. */
const ORPHAN_GRACE_MS = 60_000;

const parent = linkToParent();
const control = new HostRunControl();
let busy = false;
let studying = false;

// Ctrl+C in a terminal reaches the whole process group: the parent decides what it means (cancel the run).
process.on('SIGINT', () => undefined);
process.on('uncaughtException', (err) => void fail(err));
process.on('unhandledRejection', (err) => void fail(err));

parent.onDisconnect(() => {
  // A study has no checkpoint to save on the way out, and nobody left to move its report: it ends at once.
  if (studying) process.exit(0);
  control.cancel();
  setTimeout(() => process.exit(0), ORPHAN_GRACE_MS).unref();
});

parent.onMessage((message: ToHost) => {
  switch (message.type) {
    case 'start':
      if (!busy) void train(message.options);
      return;
    case 'export':
      if (!busy) void exportEncoder(message.options);
      return;
    case 'study':
      if (!busy) void study(message.options);
      return;
    case 'backends':
      if (!busy) void probeBackends();
      return;
    case 'pause':
      control.pause();
      void parent.send({ type: 'state', state: 'paused' });
      return;
    case 'resume':
      control.resume();
      void parent.send({ type: 'state', state: 'running' });
      return;
    case 'cancel':
      control.cancel();
      void parent.send({ type: 'state', state: 'stopping' });
      return;
  }
});

async function train(options: HostTrainOptions): Promise<void> {
  busy = true;
  try {
    const run = await loadTrain();
    const result = await run({ ...options, control, onEvent: (event) => void parent.send({ type: 'event', event }) });
    await parent.send({ type: 'done', result });
    process.exit(0);
  } catch (err) {
    await fail(err);
  }
}

/** Writes and checks the export (tfjs and the weights load here, not in main), then reports what it wrote. */
async function exportEncoder({ backend, ...options }: HostExportOptions): Promise<void> {
  busy = true;
  try {
    const [{ exportEncoder: run }, { selectBackend }] = await Promise.all([import('../export'), import('../backend/select')]);
    const selected = await selectBackend(backend);
    await parent.send({ type: 'exporting', backend: selected.name });
    await parent.send({ type: 'exported', report: await run(options) });
    process.exit(0);
  } catch (err) {
    await fail(err);
  }
}

/** The whole study (both branches trained, three encoders measured, the report written into `options.out`). */
async function study(options: HostStudyOptions): Promise<void> {
  busy = true;
  studying = true;
  try {
    const { runStudy } = await import('../study/run-study');
    const { report } = await runStudy({ ...options, onProgress: (progress) => void parent.send({ type: 'study-progress', progress }) });
    await parent.send({ type: 'studied', out: report.out, totalMs: report.durationsMs.total ?? 0 });
    process.exit(0);
  } catch (err) {
    await fail(err);
  }
}

async function probeBackends(): Promise<void> {
  busy = true;
  try {
    const { listBackends } = await import('../backend/select');
    await parent.send({ type: 'backends', backends: await listBackends() });
    process.exit(0);
  } catch (err) {
    await fail(err);
  }
}

/** Reports an error as data (with the stack of an unexpected one, for the run's log) and ends the host. */
async function fail(err: unknown): Promise<void> {
  const error: ErrorData = PivotError.toData(err);
  if (!(err instanceof PivotError) && err instanceof Error && err.stack) error.details = { stack: err.stack };
  await parent.send({ type: 'failed', error });
  process.exit(0);
}

/** The job's `train`: the engine's own, unless $PIVOT_ENGINE_JOB names another module (tests run a small one). */
async function loadTrain(): Promise<Train> {
  const named = process.env[ENGINE_JOB_ENV];
  // The engine's own is imported by name, so that the build bundles it into the host.
  const url = named ? pathToFileURL(resolve(named)).href : undefined;
  let module: { train?: unknown };
  try {
    module = (await (url ? import(/* @vite-ignore */ url) : import('../train/index'))) as { train?: unknown };
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (url && code === 'ERR_MODULE_NOT_FOUND' && (err as Error).message.includes(url.replace(/^file:\/\//, ''))) {
      throw new PivotError('INTERNAL', `${ENGINE_JOB_ENV} names ${named}, which does not exist.`);
    }
    throw err;
  }
  if (typeof module.train !== 'function') {
    throw new PivotError('INTERNAL', `${named ?? 'src-main/engine/train/index.ts'} does not export a train(options) function.`);
  }
  return module.train as Train;
}
