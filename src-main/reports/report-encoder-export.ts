// Exporting the encoder of one column of a study report (`reports:export-encoder`): the checkpoint the report says the
// column was measured from (original / SFT / DPO, or any other it records), written as a Hugging Face folder like a
// run's (runs/run-export.ts). The window names the report and the column, never a checkpoint path.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { EncoderExportReport } from '../../src-shared/domain/runs';
import { columnTitle } from '../../src-shared/domain/study-report';
import { PivotError } from '../../src-shared/errors';
import type { HostLauncher } from '../engine-jobs/engine-host';
import { exportCheckpointEncoder, type ExportProgress, type RunExportRequest } from '../runs/run-export';
import { readReport, reportDir } from './report-files';

export interface ReportEncoderExportRequest extends Omit<RunExportRequest, 'id'> {
  report: string;
  column: string;
}

export async function exportReportEncoder(
  workspaceDir: string,
  launch: HostLauncher,
  request: ReportEncoderExportRequest,
  onProgress?: ExportProgress,
): Promise<EncoderExportReport> {
  const { report: name, column, ...target } = request;
  const report = await readReport(workspaceDir, name);
  const source = report.encoders[column];
  if (!source) {
    throw new PivotError('NOT_FOUND', `Report "${name}" has no encoder column "${column}"; its columns with an encoder are ${Object.keys(report.encoders).join(', ') || 'none'}.`, {
      report: name,
      column,
    });
  }
  // `pivot study` records absolute paths; a relative one is taken from the report's own folder, never the app's cwd.
  const checkpoint = resolve(reportDir(workspaceDir, name), source.checkpoint);
  if (!existsSync(checkpoint)) {
    throw new PivotError('NOT_FOUND', `The ${columnTitle(column)} encoder's checkpoint ${checkpoint} (report "${name}") is missing: moved or deleted, so there is nothing to export.`, {
      report: name,
      column,
      checkpoint,
    });
  }
  return exportCheckpointEncoder(launch, checkpoint, target, onProgress);
}
