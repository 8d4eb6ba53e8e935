// The engine jobs of one open workspace, each kind behind its own small service: training runs, studies, sweeps,
// encoder exports and probes, and the backend probe. Each transport (the window, `pivot serve`) opens one per workspace and closes it.
import { PivotError } from '../../src-shared/errors';
import type { EncoderExportReport, EncoderProbeResult, RunObjective } from '../../src-shared/domain/runs';
import type { HostLauncher } from '../engine-jobs/engine-host';
import { StudyJobs } from '../reports/study-jobs';
import { BackendProbe } from '../runs/backends';
import { probeRunEncoder, type RunProbeRequest } from '../runs/encoder-probes';
import { exportReportEncoder, type ReportEncoderExportRequest } from '../reports/report-encoder-export';
import { exportRunEncoder, type ExportProgress, type RunExportRequest } from '../runs/run-export';
import { RunManager } from '../runs/run-manager';
import type { EmitEvent } from '../runs/run-session';
import type { Workspace } from '../store/workspace';
import { SweepJobs } from '../sweeps/sweep-jobs';

export interface WorkspaceJobsOptions {
  /** Starts an engine host: a Node child process (CLI, `pivot serve`) or an Electron utility process (the app). */
  launch: HostLauncher;
  emit: EmitEvent;
  /** Built-in recipes folder (default resources/recipes). */
  recipesDir?: string;
  /** The recipe check of runs (default the engine's schema; tests whose hosts run a double bring their own). */
  checkRecipe?: (recipe: string, objective: RunObjective | undefined) => void;
  /** How long a cancelled run may take to stop before its host is killed (default 60 s). */
  cancelGraceMs?: number;
}

export class WorkspaceJobs {
  readonly runs: RunManager;
  readonly studies: StudyJobs;
  readonly sweeps: SweepJobs;
  readonly backends: BackendProbe;
  private closed = false;

  constructor(
    private readonly workspace: Workspace,
    private readonly options: WorkspaceJobsOptions,
  ) {
    const recipesDir = options.recipesDir ? { recipesDir: options.recipesDir } : {};
    this.runs = new RunManager(workspace, {
      launch: options.launch,
      emit: options.emit,
      ...recipesDir,
      ...(options.checkRecipe ? { checkRecipe: options.checkRecipe } : {}),
      ...(options.cancelGraceMs ? { cancelGraceMs: options.cancelGraceMs } : {}),
    });
    this.studies = new StudyJobs(workspace.dir, { launch: options.launch, ...recipesDir, workspace, runs: { store: workspace.runs, emit: options.emit } });
    this.sweeps = new SweepJobs(workspace.dir, { launch: options.launch, ...recipesDir });
    this.backends = new BackendProbe(options.launch);
  }

  /** Exports a finished run's encoder on an engine host of its own: it neither waits for nor holds up the run queue. */
  exportEncoder(request: RunExportRequest, onProgress?: ExportProgress): Promise<EncoderExportReport> {
    if (this.closed) return Promise.reject(new PivotError('WORKSPACE_UNAVAILABLE', 'This workspace is closing; export again once it is open.'));
    return exportRunEncoder(this.workspace, this.options.launch, request, onProgress);
  }

  /** Exports the encoder of a study report's column, as a run's is exported. */
  exportReportEncoder(request: ReportEncoderExportRequest, onProgress?: ExportProgress): Promise<EncoderExportReport> {
    if (this.closed) return Promise.reject(new PivotError('WORKSPACE_UNAVAILABLE', 'This workspace is closing; export again once it is open.'));
    return exportReportEncoder(this.workspace.dir, this.options.launch, request, onProgress);
  }

  /** Probes a finished run's encoder on an engine host of its own, beside anything else running. */
  probeEncoder(request: RunProbeRequest, onProgress?: (done: number, total: number, label: string) => void): Promise<EncoderProbeResult> {
    if (this.closed) return Promise.reject(new PivotError('WORKSPACE_UNAVAILABLE', 'This workspace is closing; probe again once it is open.'));
    return probeRunEncoder(this.workspace, this.options.launch, request, onProgress);
  }

  /** Cancels what runs (runs keep their checkpoints) and waits until it has stopped. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([this.runs.close(), this.studies.close(), this.sweeps.close()]);
  }
}
