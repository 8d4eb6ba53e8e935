// A run imported with `pivot runs import` is measured like a run trained here, straight from its LLaVA folder
// (no encoder/ copy beside it): `pivot eval qa`, `pivot probe linear` and `pivot probe gradcam` on its checkpoint,
// and the window's probe job on the run, give the numbers of the same model loaded by the library.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/engine/backend/select';
import { writeShapesWorld } from '../../../src-main/engine/data/shapes';
import { shapesTokenizerText } from '../../../src-main/engine/data/shapes/tokenizer';
import { exportEncoder, exportMllm } from '../../../src-main/engine/export';
import { EXPORT_TOLERANCE } from '../../../src-main/engine/export/verify';
import { qaAccuracy } from '../../../src-main/engine/eval/qa-accuracy';
import { probeJob } from '../../../src-main/engine/jobs/probe';
import { loadLlava, saveLlava } from '../../../src-main/engine/models/llava';
import { createPresetMllm } from '../../../src-main/engine/models/mllm';
import { openProbeDataset } from '../../../src-main/engine/probes/image-folder';
import { EncoderImages, measureLinear, mllmLoadedEncoder } from '../../../src-main/engine/study/measure-encoder';
import { importRun } from '../../../src-main/runs/run-import';
import { Workspace } from '../../../src-main/store/workspace';
import { tempDir } from '../../helpers/workspace';
import { startPivot } from '../cli/run-pivot';

const root = tempDir('pivot-imported-run-');
const world = join(root, 'world');
let checkpoint = '';
let runDir = '';
/** The linear probe's per-seed accuracy of the imported model as the library measures it (seed 0). */
let libraryLinear: number[] = [];

beforeAll(async () => {
  await selectBackend('cpu');
  const trainedElsewhere = join(root, 'sft-out');
  const model = createPresetMllm('toy', { tokenizerFiles: { 'tokenizer.json': shapesTokenizerText() }, tokenizerSource: 'shapes', seed: 4 });
  await saveLlava(model, trainedElsewhere);
  model.dispose();
  // As saved, with no tokenizer_config.json (the Shapes tokenizer has none): the import takes it as it is.
  await writeShapesWorld({ out: world, count: 30, seed: 5, size: 32, difficulty: 'easy' });
  const ws = Workspace.open(join(root, 'workspace'));
  try {
    const run = await importRun(ws, { folder: trainedElsewhere, objective: 'sft' });
    checkpoint = run.result!.finalCheckpoint;
    runDir = run.runDir;
  } finally {
    ws.close();
  }
  const imported = await loadLlava(checkpoint);
  try {
    libraryLinear = (await measureLinear(new EncoderImages(mllmLoadedEncoder(imported, checkpoint), await openProbeDataset(world)), [0])).result.accuracy.perSeed;
  } finally {
    imported.dispose();
  }
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('an imported run, measured from its LLaVA folder', () => {
  it('keeps the folder as it came: no encoder/ copy', () => {
    expect(existsSync(join(checkpoint, 'encoder'))).toBe(false);
    expect(existsSync(join(checkpoint, 'config.json'))).toBe(true);
  });

  it('pivot eval qa on its checkpoint: the library\'s answers', async () => {
    const { code, stdout, stderr } = await startPivot(['eval', 'qa', '--checkpoint', checkpoint, '--data', world, '--backend', 'cpu', '--json']).done;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const r = JSON.parse(stdout) as { checkpoint: string; accuracy: number; samples: { margin: number }[] };
    const model = await loadLlava(checkpoint);
    const library = await qaAccuracy(model, world, { split: 'test' });
    model.dispose();
    expect(r.checkpoint).toBe(checkpoint);
    expect(r.accuracy).toBe(library.accuracy);
    expect(r.samples.map((s) => s.margin)).toEqual(library.samples.map((s) => s.margin));
  }, 60_000);

  it('pivot probe linear --checkpoint: its vision tower, prepared per its preprocessor_config.json', async () => {
    const { code, stdout, stderr } = await startPivot(['probe', 'linear', '--checkpoint', checkpoint, '--data', world, '--seeds', '1', '--backend', 'cpu', '--json']).done;
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as { encoder: string; preprocess: string; layer: number; accuracy: { perSeed: number[] } };
    expect(report).toMatchObject({ encoder: checkpoint, preprocess: join(checkpoint, 'preprocessor_config.json'), layer: 2 });
    expect(report.accuracy.perSeed).toEqual(libraryLinear);
  }, 60_000);

  it('pivot probe gradcam --checkpoint: focus over the asked pairs', async () => {
    const { code, stdout, stderr } = await startPivot(['probe', 'gradcam', '--checkpoint', checkpoint, '--data', world, '--samples', '2', '--backend', 'cpu', '--json']).done;
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as { checkpoint: string; grid: number[]; n: number };
    expect(report).toMatchObject({ checkpoint, grid: [4, 4], n: 2 });
  }, 60_000);

  it("the window's probe job on the run: the same linear probe, the LLaVA folder named as the encoder", async () => {
    const progress: unknown[] = [];
    const result = await probeJob.run({ checkpoint, runDir, data: world, probes: ['linear'], seeds: 1, backend: 'cpu' }, {
      control: { shouldStop: () => false, waitWhilePaused: async () => undefined },
      progress: (p) => progress.push(p),
    });
    expect(result).toMatchObject({ encoder: checkpoint, data: world, backend: 'cpu', seeds: 1 });
    expect(result.linear?.accuracy).toMatchObject({ mean: libraryLinear[0], n: 1 });
    expect(progress).toEqual([{ probe: 'linear', index: 1, of: 1 }]);
  }, 60_000);
  it('exports: its encoder alone as the folder\'s vision tower and processor, and the whole MLLM as it came', async () => {
    const encoderOut = join(root, 'exported-encoder');
    const report = await exportEncoder({ runDir, out: encoderOut });
    expect(report).toMatchObject({ checkpoint, runDir, stage: null, objective: null, modelType: 'siglip_vision_model', withProjector: false });
    expect(report.maxRelativeError).toBeLessThanOrEqual(EXPORT_TOLERANCE);
    expect(report.files).toEqual(['README.md', 'config.json', 'model.safetensors', 'preprocessor_config.json']);
    const { processor_class: _kept, ...folderProcessor } = JSON.parse(readFileSync(join(checkpoint, 'preprocessor_config.json'), 'utf8')) as Record<string, unknown>;
    expect(JSON.parse(readFileSync(join(encoderOut, 'preprocessor_config.json'), 'utf8'))).toEqual(folderProcessor);
    await expect(exportEncoder({ runDir, out: join(root, 'with-projector'), withProjector: true })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });

    const mllmOut = join(root, 'exported-mllm');
    await exportMllm({ runDir, out: mllmOut });
    const [source, copy] = [await loadLlava(checkpoint), await loadLlava(mllmOut)];
    try {
      for (const part of ['encoder', 'projector', 'lm'] as const) {
        const theirs = new Map(copy.namedVariables(part).map(([name, v]) => [name, v.dataSync()]));
        for (const [name, v] of source.namedVariables(part)) expect(theirs.get(name), name).toEqual(v.dataSync());
      }
    } finally {
      source.dispose();
      copy.dispose();
    }
  }, 60_000);
});
