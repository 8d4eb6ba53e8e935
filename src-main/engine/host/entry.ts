// The engine host process: runs one job of any kind (jobs/registry.ts) away from main's event loop — looks the kind
// up, checks its options, runs it with the host's control and a progress sender — and reports back through its
// parent link. A `--jobs=<module>` argument swaps in that module's `jobs` for the registry's (tests run doubles).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PivotError, type ErrorData } from '../../../src-shared/errors';
import { isJobKindName, JOBS, type AnyJobKind } from '../jobs/registry';
import { linkToParent } from './parent-port';
import { JOB_MODULE_ARG, type FromHost, type ToHost } from './protocol';
import { HostRunControl } from './run-control';

/** After its parent went away, a cancelled job gets this long to write its checkpoint before the host exits. */
const ORPHAN_GRACE_MS = 60_000;

const parent = linkToParent();
const control = new HostRunControl();
let job: AnyJobKind | null = null;
let started = false;

// Ctrl+C in a terminal reaches the whole process group: the parent decides what it means (cancel the run).
process.on('SIGINT', () => undefined);
process.on('uncaughtException', (err) => void fail(err));
process.on('unhandledRejection', (err) => void fail(err));

parent.onDisconnect(() => {
  // A job without step-boundary cancel has no checkpoint to save on the way out, and nobody is left to use its output.
  if (job?.cancel !== 'step') process.exit(0);
  control.cancel();
  setTimeout(() => process.exit(0), ORPHAN_GRACE_MS).unref();
});

parent.onMessage((message: ToHost) => {
  switch (message.type) {
    case 'job':
      if (!started) void run(message.kind, message.options);
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

async function run(kind: string, options: unknown): Promise<void> {
  started = true;
  try {
    job = await findJob(kind);
    const checked = job.options.safeParse(options);
    if (!checked.success) {
      throw new PivotError('INVALID_REQUEST', `The ${kind} job was sent options it cannot run: ${checked.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ')}`);
    }
    const result = await job.run(checked.data, { control, progress: (progress) => void parent.send({ type: 'progress', progress } as never) });
    await parent.send({ type: 'done', result } as FromHost);
    process.exit(0);
  } catch (err) {
    await fail(err);
  }
}

/** The kind's definition: the test module's, when one is named and has it, else the registry's. */
async function findJob(kind: string): Promise<AnyJobKind> {
  const named = process.argv.find((arg) => arg.startsWith(JOB_MODULE_ARG))?.slice(JOB_MODULE_ARG.length);
  if (named) {
    const module = (await import(/* @vite-ignore */ pathToFileURL(resolve(named)).href)) as { jobs?: Record<string, AnyJobKind> };
    const own = module.jobs?.[kind];
    if (own) return own;
  }
  if (!isJobKindName(kind)) throw new PivotError('INTERNAL', `The engine host has no job of kind "${kind}".`);
  return JOBS[kind] as AnyJobKind;
}

/** Reports an error as data (with the stack of an unexpected one, for the run's log) and ends the host. */
async function fail(err: unknown): Promise<void> {
  const error: ErrorData = PivotError.toData(err);
  if (!(err instanceof PivotError) && err instanceof Error && err.stack) error.details = { stack: err.stack };
  await parent.send({ type: 'failed', error });
  process.exit(0);
}
