// `pivot runs import`: a LLaVA folder trained elsewhere (as TRL's save_pretrained writes it) becomes a finished run
// whose final checkpoint is a byte-identical copy in runs/<id>/checkpoint, whose vision tower the probes open from it
// and compute what transformers computes; it records where it came from and its layout; anything
// else is refused, naming what is missing, and records no run.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/engine/backend/select';
import * as tf from '../../../src-main/engine/backend/tf';
import { loadSafetensorsFolder } from '../../../src-main/engine/io/safetensors';
import { openCheckpointEncoder } from '../../../src-main/engine/study/measure-encoder';
import { importRun } from '../../../src-main/runs/run-import';
import { Workspace } from '../../../src-main/store/workspace';
import { fixtureTensors, writeLlavaFolder } from '../../helpers/llava-folder';
import { tempDir } from '../../helpers/workspace';
import { loadReference, maxRelativeError } from '../engine/models/vision/helpers';
import { startPivot } from '../cli/run-pivot';

let ws: Workspace;
beforeEach(() => {
  ws = Workspace.open(tempDir('pivot-import-ws-'));
});
afterEach(() => ws.close());

const files = (dir: string) => readdirSync(dir).sort();

describe('importing a LLaVA checkpoint folder as a run', () => {
  it('round trip, transformers 4.x names in one file: a completed dpo run whose checkpoint is the folder, byte for byte, encoder weights included', async () => {
    const folder = join(tempDir('pivot-trl-'), 'dpo-out');
    writeLlavaFolder(folder, { layout: 'transformers-4', trainedWith: 'DPOConfig', processorFiles: true });
    const run = await importRun(ws, { folder });

    expect(run).toMatchObject({ name: 'imported dpo-out', recipe: 'imported', objective: 'dpo', status: 'completed', error: null, backend: 'imported' });
    const checkpoint = join(run.runDir, 'checkpoint');
    expect(run.result).toMatchObject({
      runDir: run.runDir, objective: 'dpo', finalCheckpoint: checkpoint, cancelled: false, stages: [],
      imported: { from: folder, layout: 'llava', weightNames: 'transformers-4', weightFiles: 1 },
    });
    expect(files(checkpoint)).toEqual(files(folder));
    for (const file of files(folder)) expect(readFileSync(join(checkpoint, file)).equals(readFileSync(join(folder, file)))).toBe(true);
    const patch = 'vision_tower.vision_model.embeddings.patch_embedding.weight';
    const fixturePatch = fixtureTensors('clip-vision/model.safetensors')['embeddings.patch_embedding.weight']!;
    expect(Array.from(loadSafetensorsFolder(checkpoint).read(patch).data)).toEqual(Array.from(fixturePatch.data as Float32Array));

    expect(ws.runs.list().map((r) => r.id)).toEqual([run.id]);
    expect(ws.runs.logs(run.id).entries.map((e) => e.message)).toContain(`Imported from ${folder}: a LLaVA folder with transformers-4 weight names in 1 safetensors file(s).`);
    // The copy is the run's own: removing the original leaves it whole.
    rmSync(folder, { recursive: true });
    expect(files(checkpoint)).toContain('model.safetensors');
  });

  it.each(['transformers-4', 'transformers-5'] as const)("the probes open its vision tower (%s names) from the folder, computing transformers' CLIP outputs", async (layout) => {
    const folder = join(tempDir('pivot-trl-'), 'out');
    writeLlavaFolder(folder, { layout, shards: 2, trainedWith: 'SFTConfig', processorFiles: true });
    const run = await importRun(ws, { folder });
    const checkpoint = run.result!.finalCheckpoint;
    await selectBackend('cpu');
    const encoder = await openCheckpointEncoder(checkpoint);
    expect(encoder).toMatchObject({ dir: checkpoint, prepSource: join(checkpoint, 'preprocessor_config.json'), layer: -2 });
    const reference = loadReference('clip-vision');
    const output = encoder.model.forward(reference.pixel_values!, { outputHiddenStates: false });
    expect(maxRelativeError(output.lastHiddenState, reference.last_hidden_state!)).toBeLessThan(1e-6);
    tf.dispose([output.lastHiddenState, ...Object.values(reference)]);
    encoder.model.dispose();
  });

  it('round trip, transformers 5 names in shards with an index; --name and --objective as given', async () => {
    const folder = join(tempDir('pivot-trl-'), 'out');
    writeLlavaFolder(folder, { layout: 'transformers-5', shards: 3, processorFiles: true });
    const run = await importRun(ws, { folder, name: 'TRL sft', objective: 'sft' });
    expect(run).toMatchObject({ name: 'TRL sft', objective: 'sft', status: 'completed' });
    expect(run.result?.imported).toMatchObject({ weightNames: 'transformers-5', weightFiles: 3 });
    expect(files(run.result!.finalCheckpoint)).toEqual(['config.json', 'model-00001-of-00003.safetensors', 'model-00002-of-00003.safetensors', 'model-00003-of-00003.safetensors',
      'model.safetensors.index.json', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json']);
  });

  it('refuses a folder that is not a LLaVA checkpoint, naming every file missing, and records no run', async () => {
    const folder = join(tempDir('pivot-trl-'), 'out');
    writeLlavaFolder(folder, { layout: 'transformers-4', trainedWith: 'SFTConfig', processorFiles: true });
    rmSync(join(folder, 'preprocessor_config.json'));
    rmSync(join(folder, 'model.safetensors'));
    await expect(importRun(ws, { folder })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: `${folder} is not a LLaVA checkpoint folder: it lacks preprocessor_config.json, model.safetensors (or model.safetensors.index.json and its shards). Import the folder that save_pretrained (or the TRL project's sft.py / dpo.py) wrote.`,
    });
    expect(ws.runs.list()).toEqual([]);
  });

  it('refuses a missing shard, another model type, and an objective it cannot tell', async () => {
    const sharded = join(tempDir('pivot-trl-'), 'out');
    writeLlavaFolder(sharded, { layout: 'transformers-5', shards: 2, trainedWith: 'DPOConfig', processorFiles: true });
    rmSync(join(sharded, 'model-00002-of-00002.safetensors'));
    await expect(importRun(ws, { folder: sharded })).rejects.toMatchObject({ code: 'FILE_UNREADABLE', message: expect.stringContaining('shard "model-00002-of-00002.safetensors"') });

    const clip = join(tempDir('pivot-trl-'), 'out');
    writeLlavaFolder(clip, { layout: 'transformers-4', trainedWith: 'DPOConfig', processorFiles: true });
    writeFileSync(join(clip, 'config.json'), JSON.stringify({ model_type: 'clip' }));
    await expect(importRun(ws, { folder: clip })).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: `${join(clip, 'config.json')}: model_type is "clip", not "llava": import a LlavaForConditionalGeneration folder.` });

    const untold = join(tempDir('pivot-trl-'), 'out');
    writeLlavaFolder(untold, { layout: 'transformers-4', processorFiles: true });
    await expect(importRun(ws, { folder: untold })).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: `Which objective trained ${untold}? It has no training_args.bin: say it with --objective sft|dpo.` });
    expect(ws.runs.list()).toEqual([]);
  });
});

describe('pivot runs import', () => {
  it('imports a folder and prints the run; refuses a folder that is not one with exit status 64', async () => {
    const folder = join(tempDir('pivot-trl-'), 'sft-out');
    writeLlavaFolder(folder, { layout: 'transformers-4', trainedWith: 'SFTConfig', processorFiles: true });
    const done = await startPivot(['runs', 'import', folder, '--workspace', ws.dir, '--json']).done;
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ name: 'imported sft-out', objective: 'sft', status: 'completed', result: { imported: { from: folder } } });

    const empty = tempDir('pivot-empty-');
    const refused = await startPivot(['runs', 'import', empty, '--workspace', ws.dir]).done;
    expect(refused.code).toBe(64);
    expect(refused.stderr).toBe(`pivot: ${empty} is not a LLaVA checkpoint folder: it lacks config.json, tokenizer.json, preprocessor_config.json, model.safetensors (or model.safetensors.index.json and its shards). Import the folder that save_pretrained (or the TRL project's sft.py / dpo.py) wrote.\n`);
  }, 60_000);
});
