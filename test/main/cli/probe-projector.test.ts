// `pivot probe linear --checkpoint DIR [--with-projector]` as a user runs it: the encoder + projector variant
// reports its own protocol and the same numbers as the library, the plain --checkpoint probes the encoder, and
// --encoder with --with-projector is refused (an encoder folder has no projector).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/engine/backend/select';
import { EncoderImages, measureLinear, measureLinearWithProjector, mllmLoadedEncoder } from '../../../src-main/engine/study/measure-encoder';
import { loadMllm } from '../../../src-main/engine/models/mllm';
import { openProbeDataset } from '../../../src-main/engine/probes/image-folder';
import { saveToyModel, writeProbeWorld } from '../../helpers/toy-model';
import { removeTemp, tempFolder } from '../engine/train/helpers';
import { startPivot } from './run-pivot';

const root = tempFolder('probe-projector');
const checkpoint = join(root, 'checkpoint');
const llava = join(root, 'llava');
const world = join(root, 'world');

beforeAll(async () => {
  await selectBackend('cpu');
  await saveToyModel(2, { checkpoint, llava });
  await writeProbeWorld(world);
});
afterAll(() => removeTemp(root));

describe('pivot probe linear on a checkpoint', () => {
  it('--with-projector probes the visual tokens: its own protocol, the library\'s numbers', async () => {
    const { code, stdout, stderr } = await startPivot(['probe', 'linear', '--checkpoint', checkpoint, '--with-projector', '--data', world, '--seeds', '2', '--backend', 'cpu', '--json']).done;
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as { protocol: string; variant: string; encoder: string; layer: number; features: { dim: number; withCls: boolean }; accuracy: { mean: number; perSeed: number[] } };
    expect(report).toMatchObject({ protocol: 'linear-probe/mean-pooled-l2/encoder+projector', variant: 'encoder+projector', encoder: join(checkpoint, 'encoder'), layer: 2 });
    expect(report.features).toMatchObject({ dim: 64, withCls: false });
    expect(Number.isFinite(report.accuracy.mean)).toBe(true);
    expect(report.accuracy.perSeed).toHaveLength(2);

    const mllm = await loadMllm(checkpoint);
    try {
      const images = new EncoderImages(mllmLoadedEncoder(mllm, checkpoint), await openProbeDataset(world));
      const library = await measureLinearWithProjector(images, mllm, [0, 1]);
      expect(report.accuracy.perSeed).toEqual(library.result.accuracy.perSeed);
    } finally {
      mllm.dispose();
    }
  }, 60_000);

  it('without --with-projector probes the checkpoint\'s encoder/', async () => {
    const { code, stdout, stderr } = await startPivot(['probe', 'linear', '--checkpoint', checkpoint, '--data', world, '--seeds', '1', '--backend', 'cpu', '--json']).done;
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as { protocol: string; variant: string; encoder: string; preprocess: string; accuracy: { mean: number } };
    expect(report).toMatchObject({ protocol: 'linear-probe/mean-pooled-l2', variant: 'encoder', encoder: join(checkpoint, 'encoder'), preprocess: join(checkpoint, 'mllm.json') });
    expect(Number.isFinite(report.accuracy.mean)).toBe(true);
  }, 60_000);

  it('refuses --encoder with --with-projector, saying to pass the MLLM checkpoint', async () => {
    const { code, stdout, stderr } = await startPivot(['probe', 'linear', '--encoder', join(checkpoint, 'encoder'), '--with-projector', '--data', world]).done;
    expect(code).toBe(64);
    expect(stdout).toBe('');
    expect(stderr).toBe("pivot: --with-projector probes the MLLM's encoder + projector: pass the MLLM checkpoint with --checkpoint <dir> (the folder with mllm.json), not --encoder\n");
  }, 30_000);
});

describe('pivot probe linear on a Hugging Face LLaVA folder', () => {
  it('probes its vision tower with the numbers of the same model as a checkpoint', async () => {
    const { code, stdout, stderr } = await startPivot(['probe', 'linear', '--checkpoint', llava, '--data', world, '--seeds', '1', '--backend', 'cpu', '--json']).done;
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as { protocol: string; variant: string; encoder: string; layer: number; accuracy: { perSeed: number[] } };
    expect(report).toMatchObject({ protocol: 'linear-probe/mean-pooled-l2', variant: 'encoder', encoder: llava, layer: 2 });
    const mllm = await loadMllm(checkpoint);
    try {
      const library = await measureLinear(new EncoderImages(mllmLoadedEncoder(mllm, checkpoint), await openProbeDataset(world)), [0]);
      expect(report.accuracy.perSeed).toEqual(library.result.accuracy.perSeed);
    } finally {
      mllm.dispose();
    }
  }, 60_000);

  it('--with-projector on it names its preprocessor_config.json as the preprocessing, not an mllm.json it has not', async () => {
    const { code, stdout, stderr } = await startPivot(['probe', 'linear', '--checkpoint', llava, '--with-projector', '--data', world, '--seeds', '1', '--backend', 'cpu', '--json']).done;
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ variant: 'encoder+projector', encoder: llava, preprocess: join(llava, 'preprocessor_config.json') });
  }, 60_000);
});
