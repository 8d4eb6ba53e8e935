// The encoder export as an engine host job: a real forked host exports a saved checkpoint (the backend it picked
// announced first), its errors come back as the engine's own, and a host that dies without a word is reported so.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { shapesTokenizerText } from '../../../../src-main/engine/data/shapes/tokenizer';
import { exportInHost } from '../../../../src-main/engine/host/export-in-host';
import { forkEngineHost } from '../../../../src-main/engine/host/fork';
import { createPresetMllm, saveMllm } from '../../../../src-main/engine/models/mllm';
import { selectBackend } from '../../../../src-main/engine/backend/select';
import { dyingHost } from '../../../helpers/training';
import { tempDir } from '../../../helpers/workspace';

const checkpoint = join(tempDir('pivot-export-host-'), 'checkpoint');

beforeAll(async () => {
  await selectBackend('cpu');
  const model = createPresetMllm('toy', { tokenizerFiles: { 'tokenizer.json': shapesTokenizerText() }, tokenizerSource: 'shapes', seed: 3 });
  await saveMllm(model, checkpoint);
  model.dispose();
});

describe('the export job on an engine host', () => {
  it('exports a checkpoint in a forked host: announces the backend, then reports the checked folder', async () => {
    const out = join(tempDir('pivot-export-host-out-'), 'encoder');
    const backends: string[] = [];
    const report = await exportInHost(() => forkEngineHost(), { checkpoint, out, withProjector: true, backend: 'cpu' }, (b) => backends.push(b));
    expect(backends).toEqual(['cpu']);
    expect(report).toMatchObject({
      out, checkpoint, runDir: null, stage: null, objective: null, architecture: 'SiglipVisionModel', withProjector: true, maxRelativeError: 0,
      files: ['README.md', 'config.json', 'model.safetensors', 'preprocessor_config.json', 'projector.safetensors'],
    });
    expect(readdirSync(out).sort()).toEqual(report.files);
  });

  it("rejects with the engine's own error, leaving nothing behind", async () => {
    const parent = tempDir('pivot-export-host-out-');
    const notACheckpoint = tempDir('pivot-not-a-checkpoint-');
    const failure = exportInHost(() => forkEngineHost(), { checkpoint: notACheckpoint, out: join(parent, 'encoder'), backend: 'cpu' });
    await expect(failure).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: `${notACheckpoint} is not an MLLM checkpoint (no mllm.json); pass a folder under <run>/checkpoints/, or the run folder with --run.`,
    });
    expect(readdirSync(parent)).toEqual([]);
  });

  it('says how a host that died without reporting ended, with its last output', async () => {
    const { host: dying, sent } = dyingHost();
    await expect(exportInHost(() => dying, { checkpoint, out: '/nowhere' })).rejects.toMatchObject({
      code: 'INTERNAL',
      message: 'The engine host ended (signal SIGKILL) before the export finished; nothing was exported.\nFATAL ERROR: Reached heap limit',
    });
    expect(sent).toEqual([{ type: 'export', options: { checkpoint, out: '/nowhere' } }]);
  });
});
