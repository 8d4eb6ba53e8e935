// Exporting a trained encoder from the window (`runs:export`, and a study report's column through
// reports/report-encoder-export.ts): the run must have ended with a final checkpoint, the folder must be absolute and
// new or empty (unless overwriting), and the export itself runs on an engine host.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { PivotError } from '../../src-shared/errors';
import { ACTIVE_RUN_STATUSES, type EncoderExportReport, type RunInfo } from '../../src-shared/domain/runs';
import type { HostLauncher } from '../engine-jobs/engine-host';
import { jobAnswer, startEngineJob } from '../engine-jobs/engine-job';
import type { Workspace } from '../store/workspace';

export interface RunExportRequest {
  id: number;
  /** The folder to write. */
  path: string;
  withProjector: boolean;
  /** Replace what the folder holds. */
  overwrite: boolean;
}

/** Progress in steps: starting the host, writing and checking, done. */
export type ExportProgress = (done: number, total: number, label: string) => void;
const STEPS = 2;

export async function exportRunEncoder(
  workspace: Workspace,
  launch: HostLauncher,
  request: RunExportRequest,
  onProgress: ExportProgress = () => undefined,
): Promise<EncoderExportReport> {
  return exportCheckpointEncoder(launch, finalCheckpointOf(workspace.runs.get(request.id), 'export'), request, onProgress);
}

/** Exports the encoder of an MLLM checkpoint (a run's, or a study report's column's) into the folder asked. */
export async function exportCheckpointEncoder(
  launch: HostLauncher,
  checkpoint: string,
  request: Omit<RunExportRequest, 'id'>,
  onProgress: ExportProgress = () => undefined,
): Promise<EncoderExportReport> {
  const out = checkOutFolder(request.path, request.overwrite);
  onProgress(0, STEPS, 'starting the engine…');
  const job = startEngineJob(
    launch,
    'export',
    { checkpoint, out, ...(request.withProjector ? { withProjector: true } : {}), ...(request.overwrite ? { force: true } : {}) },
    {
      onProgress: ({ backend }) => onProgress(1, STEPS, `writing and checking the export (${backend})…`),
      during: 'before the export finished; nothing was exported',
    },
  );
  const report = await jobAnswer(job);
  onProgress(STEPS, STEPS, 'exported and checked');
  return report;
}

/** The checkpoint a run ended with; a run still going, or one that ended without one, is refused with the reason. */
export function finalCheckpointOf(run: RunInfo, verb: 'export' | 'probe'): string {
  if (ACTIVE_RUN_STATUSES.includes(run.status)) {
    throw new PivotError('INVALID_REQUEST', `Run ${run.id} is ${run.status}: ${verb} its encoder once it has finished.`, { id: run.id, status: run.status });
  }
  const checkpoint = run.result?.finalCheckpoint ?? '';
  if (checkpoint === '') {
    throw new PivotError(
      'INVALID_REQUEST',
      `Run ${run.id} ended ${run.status} without a final checkpoint, so it has no trained encoder to ${verb}; train it again.`,
      { id: run.id, status: run.status },
    );
  }
  if (!existsSync(checkpoint)) {
    throw new PivotError('NOT_FOUND', `Run ${run.id}'s final checkpoint ${checkpoint} is missing (moved or deleted); there is nothing to ${verb}.`, { id: run.id, checkpoint });
  }
  return checkpoint;
}

/** The absolute folder to write: a path relative to the app's working directory would land somewhere unexpected. */
function checkOutFolder(path: string, overwrite: boolean): string {
  if (!isAbsolute(path)) {
    throw new PivotError('INVALID_REQUEST', `Export folder "${path}" is not an absolute path: give the full path of the folder to write.`, { path });
  }
  const out = resolve(path);
  if (!existsSync(out)) return out;
  if (!statSync(out).isDirectory()) throw new PivotError('INVALID_REQUEST', `${out} is a file: choose a folder to export into.`, { path: out });
  const held = readdirSync(out).length;
  if (held > 0 && !overwrite) {
    throw new PivotError(
      'INVALID_REQUEST',
      `${out} is not empty (${held} ${held === 1 ? 'entry' : 'entries'}): choose a new or empty folder, or overwrite to replace what it holds.`,
      { path: out },
    );
  }
  return out;
}
