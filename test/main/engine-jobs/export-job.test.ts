// The `export` job through main's engine-job client: a real forked host exports a saved checkpoint (the backend it
// picked announced first), and its errors come back as the engine's own.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { shapesTokenizerText } from '../../../src-main/engine/data/shapes/tokenizer';
import { forkEngineHost } from '../../../src-main/engine-jobs/fork';
import type { ExportJobOptions } from '../../../src-main/engine/jobs/export';
import { createPresetMllm, saveMllm } from '../../../src-main/engine/models/mllm';
import { selectBackend } from '../../../src-main/engine/backend/select';
import { jobResult, startEngineJob } from '../../../src-main/engine-jobs/engine-job';
import { tempDir } from '../../helpers/workspace';

const checkpoint = join(tempDir('pivot-export-host-'), 'checkpoint');

/** The export on a forked host, its backend announcements in `backends`. */
function exportInHost(options: ExportJobOptions, backends: string[] = []) {
  return jobResult(startEngineJob(() => forkEngineHost(), 'export', options, { onProgress: (p) => backends.push(p.backend), during: 'before the export finished' }));
}

beforeAll(async () => {
  await selectBackend('cpu');
  const model = createPresetMllm('toy', { tokenizerFiles: { 'tokenizer.json': shapesTokenizerText() }, tokenizerSource: 'shapes', seed: 3 });
  await saveMllm(model, checkpoint);
  model.dispose();
});

describe('the export job', () => {
  it('exports a checkpoint in a forked host: announces the backend, then reports the checked folder', async () => {
    const out = join(tempDir('pivot-export-host-out-'), 'encoder');
    const backends: string[] = [];
    const report = await exportInHost({ checkpoint, out, withProjector: true, backend: 'cpu' }, backends);
    expect(backends).toEqual(['cpu']);
    expect(report).toMatchObject({
      out, checkpoint, runDir: null, stage: null, objective: null, architecture: 'SiglipVisionModel', withProjector: true, maxRelativeError: 0,
      files: ['README.md', 'config.json', 'model.safetensors', 'preprocessor_config.json', 'projector.safetensors'],
    });
    expect(readdirSync(out).sort()).toEqual(report?.files);
  });

  it("rejects with the engine's own error, leaving nothing behind", async () => {
    const parent = tempDir('pivot-export-host-out-');
    const notACheckpoint = tempDir('pivot-not-a-checkpoint-');
    const failure = exportInHost({ checkpoint: notACheckpoint, out: join(parent, 'encoder'), backend: 'cpu' });
    await expect(failure).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: `${notACheckpoint} is not an MLLM checkpoint (no mllm.json, nor a LLaVA config.json); pass a folder under <run>/checkpoints/, or the run folder with --run.`,
    });
    expect(readdirSync(parent)).toEqual([]);
  });
});
