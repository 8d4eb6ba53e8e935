// The one implementation of every contract channel, shared by Electron IPC and the `pivot serve` WebSocket.
import type { ChannelName, Events, ParsedRequestOf, PickPurpose, ResponseOf } from '../../src-shared/ipc/contract';
import { PivotError } from '../../src-shared/errors';
import { exportDataset } from '../curation/export-dataset';
import { checkExportTarget } from '../datasets/export/target';
import { importDataset } from '../curation/import-dataset';
import { listReports, readReport } from '../reports/report-files';
import { listRecipes } from '../runs/recipes';
import { runConfig } from '../runs/run-config';
import { datasetStats } from '../store/dataset-stats';
import type { Workspace } from '../store/workspace';
import type { WorkspaceJobs } from './workspace-jobs';

/** What a handler may use besides its request: the workspace and a way to push events to the window. */
export interface HandlerContext {
  workspace: Workspace;
  emit: <E extends keyof Events>(event: E, payload: Events[E]) => void;
  /** A native file picker; only Electron has one. */
  pickFile?: (purpose: PickPurpose) => Promise<string | null>;
  /** The engine jobs of this workspace (each transport owns one set per open workspace). */
  jobs?: WorkspaceJobs;
}

function engineJobs(ctx: HandlerContext): WorkspaceJobs {
  if (!ctx.jobs) throw new PivotError('INTERNAL', 'Training is not available through this connection (no engine jobs).');
  return ctx.jobs;
}

/** Who asks through these channels, as a run's log names them ("Paused from the window."). */
const WINDOW = 'the window';

export type Handlers = {
  [C in ChannelName]: (request: ParsedRequestOf<C>, ctx: HandlerContext) => ResponseOf<C> | Promise<ResponseOf<C>>;
};

export const handlers: Handlers = {
  'workspace:info': (_req, { workspace, pickFile }) => ({
    path: workspace.dir,
    schemaVersion: workspace.schemaVersion,
    pairs: workspace.pairs.count(),
    datasets: workspace.pairs.datasets(),
    tags: workspace.pairs.tags(),
    nativeDialogs: pickFile !== undefined,
  }),
  'pairs:list': (req, { workspace }) => workspace.pairs.list(req),
  'pairs:counts': (req, { workspace }) => workspace.pairs.counts(req.filter),
  'pairs:get': (req, { workspace }) => workspace.pairs.get(req.id),
  'pairs:update': (req, { workspace }) => workspace.pairs.update(req.id, req.edit),
  'pairs:swap': (req, { workspace }) => workspace.pairs.swap(req.id),
  'pairs:undo': (req, { workspace }) => workspace.pairs.undo(req.id),
  'pairs:history': (req, { workspace }) => workspace.pairs.history(req.id),
  'pairs:bulk': async (req, { workspace, emit }) => {
    const affected = await workspace.pairs.bulk(
      req.target,
      req.action,
      (done, total) => emit('job:progress', { job: req.job, done, total, label: `${req.action.kind}: ${done} / ${total}` }),
      req.job,
    );
    return { affected };
  },
  'pairs:undo-bulk': (req, { workspace }) => ({ affected: workspace.pairs.undoBulk(req.job) }),
  'pairs:review': (req, { workspace }) => {
    workspace.reviews.record(req.id, req.pick);
    return workspace.reviews.agreement(req.filter);
  },
  'pairs:agreement': (req, { workspace }) => workspace.reviews.agreement(req.filter),
  'datasets:stats': (req, { workspace }) => datasetStats(workspace.db, workspace.pairs, workspace.reviews, req.dataset),
  'data:import': (req, { workspace, emit }) =>
    importDataset(workspace, req.path, {
      ...(req.format ? { format: req.format } : {}),
      ...(req.dataset ? { dataset: req.dataset } : {}),
      onProgress: (done, total) => emit('job:progress', { job: req.job, done, total, label: `importing ${done} / ${total}` }),
    }),
  'imports:list': (req, { workspace }) => workspace.imports.list(req.dataset),
  'imports:rejections': (req, { workspace }) => workspace.imports.rejections(req.id),
  'data:export': async (req, { workspace, emit }) =>
    exportDataset(workspace, await checkExportTarget(workspace.dir, req.path, req.overwrite), req.filter, (done, total) =>
      emit('job:progress', { job: req.job, done, total, label: `exporting ${done} / ${total}` }),
    ),
  'dialog:pick-file': async (req, { pickFile }) => {
    if (!pickFile) throw new PivotError('INVALID_REQUEST', 'No native file picker here: type the path instead.');
    return pickFile(req.purpose);
  },
  'runs:start': (req, ctx) => engineJobs(ctx).runs.start(req),
  'runs:check': (req, ctx) => engineJobs(ctx).runs.checkPairs(req),
  'runs:list': (_req, { workspace }) => workspace.runs.list(),
  'runs:get': (req, { workspace }) => workspace.runs.get(req.id),
  'runs:metrics': (req, { workspace }) => workspace.runs.metrics(req.id, req.maxPoints),
  'runs:logs': (req, { workspace }) => workspace.runs.logs(req.id, req.afterId, req.limit),
  'runs:config': (req, { workspace }) => runConfig(workspace.runs.get(req.id)),
  'runs:pause': (req, ctx) => engineJobs(ctx).runs.pause(req.id, WINDOW),
  'runs:resume': (req, ctx) => engineJobs(ctx).runs.resume(req.id, undefined, WINDOW),
  'runs:cancel': (req, ctx) => engineJobs(ctx).runs.cancel(req.id, WINDOW),
  'runs:export': ({ job, ...request }, ctx) =>
    engineJobs(ctx).exportEncoder(request, (done, total, label) => ctx.emit('job:progress', { job, done, total, label })),
  'reports:export-encoder': ({ job, ...request }, ctx) =>
    engineJobs(ctx).exportReportEncoder(request, (done, total, label) => ctx.emit('job:progress', { job, done, total, label })),
  'recipes:list': (_req, { jobs }) => (jobs ? jobs.runs.recipes() : listRecipes()),
  'engine:backends': (_req, ctx) => engineJobs(ctx).backends.get(),
  'reports:list': (_req, { workspace }) => listReports(workspace.dir),
  'reports:get': (req, { workspace }) => readReport(workspace.dir, req.name),
  'studies:start': ({ job, ...request }, ctx) =>
    engineJobs(ctx).studies.start(request, job, (progress) => ctx.emit('job:progress', { job, ...progress })),
  'studies:cancel': (req, ctx) => engineJobs(ctx).studies.cancel(req.job),
  'sweeps:start': ({ job, ...request }, ctx) =>
    engineJobs(ctx).sweeps.start(request, job, (progress) => ctx.emit('job:progress', { job, ...progress })),
  'sweeps:cancel': (req, ctx) => engineJobs(ctx).sweeps.cancel(req.job),
  'probes:start': ({ job, ...request }, ctx) =>
    engineJobs(ctx).probeEncoder(request, (done, total, label) => ctx.emit('job:progress', { job, done, total, label })),
};
