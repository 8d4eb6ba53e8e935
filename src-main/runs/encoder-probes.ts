// Probing a finished run's encoder from the window (`probes:start`): linear and / or segmentation probe of its final
// checkpoint's encoder, on an engine host of its own, on the data given or else the data the run trained on.
import type { EncoderProbe, EncoderProbeResult } from '../../src-shared/domain/runs';
import type { HostLauncher } from '../engine-jobs/engine-host';
import { jobAnswer, startEngineJob } from '../engine-jobs/engine-job';
import type { Workspace } from '../store/workspace';
import { finalCheckpointOf } from './run-export';

export interface RunProbeRequest {
  id: number;
  /** The dataset folder; the run's own data when omitted. */
  data?: string;
  probes: EncoderProbe[];
  seeds: number;
  backend?: string;
}

const PROBE_NAMES: Record<EncoderProbe, string> = { linear: 'linear probe', segmentation: 'segmentation probe' };

export async function probeRunEncoder(
  workspace: Workspace,
  launch: HostLauncher,
  request: RunProbeRequest,
  onProgress: (done: number, total: number, label: string) => void = () => undefined,
): Promise<EncoderProbeResult> {
  const run = workspace.runs.get(request.id);
  const checkpoint = finalCheckpointOf(run, 'probe');
  const total = request.probes.length;
  onProgress(0, total, 'starting the engine…');
  const job = startEngineJob(
    launch,
    'probe',
    {
      checkpoint,
      runDir: run.result?.runDir ?? run.runDir,
      probes: request.probes,
      seeds: request.seeds,
      ...(request.data ? { data: request.data } : {}),
      ...(request.backend ? { backend: request.backend } : {}),
    },
    {
      onProgress: ({ probe, index, of }) => onProgress(index - 1, of, `${PROBE_NAMES[probe]} (${index}/${of})…`),
      during: 'before the probes finished',
    },
  );
  const result = await jobAnswer(job);
  onProgress(total, total, 'probed');
  return result;
}
