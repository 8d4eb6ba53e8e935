// Which backends the engine can train on here, asked of a fresh engine host (the `backends` job): probing loads tfjs,
// wasm and the cuda addon, which must not happen in main (a broken addon would take the window down with it).
import type { BackendInfo, BackendReport } from '../../src-shared/domain/runs';
import type { HostLauncher } from '../engine-jobs/engine-host';
import { jobAnswer, startEngineJob } from '../engine-jobs/engine-job';

/** Asks a fresh host for every backend's standing, and says which one a run without `backend` gets and why. */
export async function probeBackends(launch: HostLauncher): Promise<BackendReport> {
  const backends = await jobAnswer(startEngineJob(launch, 'backends', {}, { during: 'while probing backends' }));
  return { backends, picked: pickBackend(backends) };
}

/** The backends, probed once by an engine host and then remembered; a failed probe is tried again next time. */
export class BackendProbe {
  private report: Promise<BackendReport> | null = null;

  constructor(private readonly launch: HostLauncher) {}

  get(): Promise<BackendReport> {
    this.report ??= probeBackends(this.launch).catch((err: unknown) => {
      this.report = null;
      throw err;
    });
    return this.report;
  }
}

/** The first available backend (they come best first), with the same reasoning the engine gives when it selects. */
export function pickBackend(backends: readonly BackendInfo[]): BackendReport['picked'] {
  const passedOver: string[] = [];
  for (const b of backends) {
    if (!b.available) {
      passedOver.push(`${b.name}: ${b.reason}`);
      continue;
    }
    const why = passedOver.length > 0 ? ` (passed over ${passedOver.join('; ')})` : '';
    return { name: b.name, reason: `best available: ${b.reason}${why}` };
  }
  return null;
}
