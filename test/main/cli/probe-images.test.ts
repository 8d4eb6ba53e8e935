// `pivot probe linear --images N` as a user runs it: class folders measured on a sample in proportion to each class,
// a Shapes world on its first N images; the numbers are the library's on that very sample, and the output says
// which images were measured.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/engine/backend/select';
import { EncoderImages, loadEncoderFolder, measureLinear } from '../../../src-main/engine/study/measure-encoder';
import { classFolderDataset, shapesWorldDataset } from '../../../src-main/engine/probes/image-folder';
import { sampleImages } from '../../../src-main/engine/probes/sample-images';
import { saveToyModel, writeProbeWorld } from '../../helpers/toy-model';
import { removeTemp, tempFolder } from '../engine/train/helpers';
import { startPivot } from './run-pivot';

const root = tempFolder('probe-images');
const encoder = join(root, 'checkpoint', 'encoder');
const world = join(root, 'world');
const classes = join(root, 'classes');

beforeAll(async () => {
  await selectBackend('cpu');
  await saveToyModel(2, { checkpoint: join(root, 'checkpoint') });
  await writeProbeWorld(world);
  // Two class folders of 12 and 8 of the world's images, listed class by class.
  const images = readdirSync(join(world, 'images')).sort();
  for (const [name, from, to] of [['a', 0, 12], ['b', 12, 20]] as const) {
    mkdirSync(join(classes, name), { recursive: true });
    for (const file of images.slice(from, to)) copyFileSync(join(world, 'images', file), join(classes, name, file));
  }
});
afterAll(() => removeTemp(root));

/** The library's per-seed accuracies on the same sample. */
async function libraryAccuracies(dataset: Awaited<ReturnType<typeof classFolderDataset>>): Promise<number[]> {
  const enc = await loadEncoderFolder(encoder);
  try {
    return (await measureLinear(new EncoderImages(enc, dataset), [0])).result.accuracy.perSeed;
  } finally {
    enc.model.dispose();
  }
}

describe('pivot probe linear --images', () => {
  it('samples class folders in proportion to each class (6 + 4 of 12 + 8) and says so', async () => {
    const args = ['probe', 'linear', '--encoder', encoder, '--data', classes, '--images', '10', '--seeds', '1', '--backend', 'cpu'];
    const [json, text] = await Promise.all([startPivot([...args, '--json']).done, startPivot(args).done]);
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as { images: number; imagesInFolder: number; layout: string; accuracy: { perSeed: number[] } };
    expect(report).toMatchObject({ images: 10, imagesInFolder: 20, layout: 'class-folders' });
    const sample = sampleImages(await classFolderDataset(classes), 10);
    expect(sample.items.map((i) => i.label)).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
    expect(report.accuracy.perSeed).toEqual(await libraryAccuracies(sample));
    expect(text.stdout.split('\n')[0]).toBe(`On 10 of the 20 images of ${classes} (in proportion to each class; --images).`);
  }, 60_000);

  it('measures a Shapes world on its first images', async () => {
    const { code, stdout, stderr } = await startPivot(['probe', 'linear', '--encoder', encoder, '--data', world, '--images', '24', '--seeds', '1', '--backend', 'cpu', '--json']).done;
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as { images: number; imagesInFolder: number; accuracy: { perSeed: number[] } };
    expect(report).toMatchObject({ images: 24, imagesInFolder: 30 });
    expect(report.accuracy.perSeed).toEqual(await libraryAccuracies(sampleImages(await shapesWorldDataset(world), 24)));
  }, 60_000);
});
