// The `labels` stage: encoder pretraining on which colour-shape classes an image shows. Its targets, its loss and
// gradient against a hand computation, a run that trains the encoder alone and keeps its head out of the MLLM and
// the export, an exact resume, and the errors a recipe or a dataset gets.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../../../src-main/engine/backend/tf';
import { readLabelRecords } from '../../../../src-main/engine/data/shapes/labels';
import { exportEncoder } from '../../../../src-main/engine/export';
import { SafetensorsFile } from '../../../../src-main/engine/io/safetensors';
import { createPresetMllm, readTokenizerFiles, saveMllm } from '../../../../src-main/engine/models/mllm';
import { multiHotTargets, multiLabelBce } from '../../../../src-main/engine/objectives';
import { train } from '../../../../src-main/engine/train';
import type { RunControl, RunEvent } from '../../../../src-main/engine/train/api';
import { loadRecipe } from '../../../../src-main/engine/train/recipe';
import { metricsOf, removeTemp, smallWorld, tempFolder, testStage, weightFiles, writeRecipe } from './helpers';

const root = tempFolder('labels');
let world: string;
let recipe: string;
const run = join(root, 'run');
const events: RunEvent[] = [];

beforeAll(async () => {
  world = await smallWorld(join(root, 'world'));
  recipe = writeRecipe(root, {
    data: { folder: world },
    stages: [{ ...testStage({ trainable: ['encoder'], maxSteps: 3, batchSize: 4 }), name: 'pretrain-encoder', kind: 'labels' }],
    branches: { sft: testStage({ trainable: ['projector'], maxSteps: 1 }) },
  });
  await train({ recipe, runDir: run, backend: 'cpu', onEvent: (e) => events.push(e) });
});
afterAll(() => removeTemp(root));

describe('label targets', () => {
  it('are the classes of the visible objects, each once, ascending; a hidden object does not count', () => {
    const folder = join(root, 'hand-made');
    mkdirSync(folder, { recursive: true });
    const objects = [
      { classId: 13, visiblePixels: 16 }, // red triangle → label 12
      { classId: 2, visiblePixels: 9 }, // green circle → label 1
      { classId: 13, visiblePixels: 4 }, // a second red triangle: still label 12, once
      { classId: 36, visiblePixels: 0 }, // an orange cross hidden under the others: not in the image
    ];
    writeFileSync(join(folder, 'metadata.jsonl'), `${JSON.stringify({ image: 'images/a.png', split: 'test', objects })}\n`);
    expect(readLabelRecords(folder, 'pretrain-encoder')).toEqual([
      { file: join(folder, 'metadata.jsonl'), line: 1, key: 'images/a.png', image: join(folder, 'images/a.png'), labels: [1, 12], split: 'test' },
    ]);
  });

  it('refuse every bad line of metadata.jsonl at once, naming the line and the field', () => {
    const folder = join(root, 'bad-metadata');
    mkdirSync(folder, { recursive: true });
    const file = join(folder, 'metadata.jsonl');
    writeFileSync(file, ['{"image": "a.png", "objects": [{"classId": 99, "visiblePixels": 3}]}', '{"image": 7, "objects": []}', 'not json', ''].join('\n'));
    expect(() => readLabelRecords(folder, 'pretrain-encoder')).toThrow(expect.objectContaining({
      code: 'FILE_UNREADABLE',
      message: expect.stringMatching(new RegExp(`^${file}:1: field "objects\\.0\\.classId" .*\n${file}:2: field "image" .*\n${file}:3: not valid JSON .*\nFix these lines of metadata\\.jsonl`)) as unknown,
    }));
  });

  it('agree with the classes the mask of a generated image holds', async () => {
    const [first] = readLabelRecords(world, 'pretrain-encoder');
    const { data } = await sharp(join(world, 'masks/000001.png')).raw().toBuffer({ resolveWithObject: true });
    const inMask = [...new Set(data)].filter((c) => c !== 0).map((c) => c - 1).sort((a, b) => a - b);
    expect(first?.image).toBe(join(world, 'images/000001.png'));
    expect(first?.labels).toEqual(inMask);
    // Image 1 of world seed 7 (easy) is an orange square (class 12) and a red ring (class 25).
    expect(first?.labels).toEqual([11, 24]);
  });

  it('become multi-hot rows', () => {
    expect(Array.from(multiHotTargets([[1, 3], []], 4).dataSync())).toEqual([0, 1, 0, 1, 0, 0, 0, 0]);
    expect(() => multiHotTargets([[4]], 4)).toThrow('multiHotTargets: label 4 of image 0 is outside 0..3');
  });
});

describe('the BCE loss', () => {
  it('matches a hand computation, and so does its gradient (σ(x) − y) / (images × classes)', () => {
    const logits = tf.tensor2d([[2, -1], [0, 3]]);
    const targets = tf.tensor2d([[1, 0], [0, 1]]);
    // mean of −y·log σ(x) − (1 − y)·log(1 − σ(x)) over the four entries, computed by hand in float64.
    expect(multiLabelBce(logits, targets).dataSync()[0]).toBeCloseTo(0.29548105767372074, 6);
    const grad = tf.grad((x: tf.Tensor) => multiLabelBce(x as tf.Tensor2D, targets))(logits);
    const expected = [-0.02980073050552942, 0.06723535534249878, 0.125, -0.011856468294391659];
    Array.from(grad.dataSync()).forEach((g, i) => expect(g).toBeCloseTo(expected[i] as number, 6));
    tf.dispose([logits, targets, grad]);
  });
});

describe('a labels stage', () => {
  it('trains the encoder alone: projector and LM stay bit-identical', async () => {
    expect(metricsOf(events).map((e) => `${e.stage}-${e.step}`)).toEqual(['pretrain-encoder-1', 'pretrain-encoder-2', 'pretrain-encoder-3', 'sft-1']);
    // 12 images, 4 classes at most each: the loss starts near −log σ(0) = log 2 with a zero-biased head.
    expect(metricsOf(events, 'pretrain-encoder')[0]!.values.loss).toBeCloseTo(Math.LN2, 1);
    const initial = createPresetMllm('toy', { tokenizerFiles: readTokenizerFiles(world), tokenizerSource: world, seed: 3 });
    await saveMllm(initial, join(root, 'initial'));
    initial.dispose();
    const before = weightFiles(join(root, 'initial'));
    const after = weightFiles(join(run, 'checkpoints/pretrain-encoder-3'));
    expect(after['projector.safetensors']).toEqual(before['projector.safetensors']);
    expect(after['lm/model.safetensors']).toEqual(before['lm/model.safetensors']);
    expect(after['encoder/model.safetensors']).not.toEqual(before['encoder/model.safetensors']);
  });

  it('keeps its head beside the checkpoint, out of the encoder, the next stage and the export', async () => {
    const checkpoint = join(run, 'checkpoints/pretrain-encoder-3');
    const head = SafetensorsFile.open(join(checkpoint, 'label_head.safetensors'));
    expect(head.names().map((n) => [n, head.info(n).shape])).toEqual([['label_head/bias', [36]], ['label_head/weight', [64, 36]]]);
    const encoderNames = (dir: string) => SafetensorsFile.open(join(dir, 'model.safetensors')).names().sort();
    const fresh = encoderNames(join(root, 'initial/encoder'));
    expect(encoderNames(join(checkpoint, 'encoder'))).toEqual(fresh);
    expect(existsSync(join(run, 'checkpoints/sft-1/label_head.safetensors'))).toBe(false);
    const exported = await exportEncoder({ checkpoint, out: join(root, 'export') });
    expect(exported.files.some((f) => f.includes('label_head'))).toBe(false);
    expect(encoderNames(join(root, 'export'))).toEqual(fresh);
  });

  it('resumes to the same encoder and head, bit for bit, as a run that never stopped', async () => {
    const stoppedRun = join(root, 'stopped');
    let steps = 0;
    const stopAfterTwo: RunControl = { shouldStop: () => steps >= 2, waitWhilePaused: async () => undefined };
    const stopped = await train({ recipe, runDir: stoppedRun, backend: 'cpu', control: stopAfterTwo, onEvent: (e) => (steps += e.type === 'metrics' ? 1 : 0) });
    expect(stopped.finalCheckpoint).toBe(join(stoppedRun, 'checkpoints/pretrain-encoder-2'));
    await train({ recipe, runDir: stoppedRun, backend: 'cpu' });
    const bytes = (dir: string, file: string) => readFileSync(join(dir, 'checkpoints/pretrain-encoder-3', file));
    for (const file of ['encoder/model.safetensors', 'label_head.safetensors', 'optimizer.safetensors']) {
      expect(bytes(stoppedRun, file).equals(bytes(run, file)), file).toBe(true);
    }
  });
});

describe('labels stage errors', () => {
  it('refuses a labels stage that would train more than the encoder', () => {
    const file = writeRecipe(root, {
      data: { folder: 'world' },
      stages: [{ ...testStage({ trainable: ['encoder', 'projector'] }), name: 'pretrain-encoder', kind: 'labels' }],
      branches: { sft: testStage({}) },
    }, 'two-parts.json');
    expect(() => loadRecipe(file)).toThrow(
      `${file}: "stages[0].trainable" is [encoder, projector] but a labels stage trains the encoder alone (its loss goes ` +
        'through a head of its own, never through the projector or the LM); set "trainable: [encoder]".',
    );
  });

  it('names the folder and what is missing when the data is not a Shapes world', async () => {
    const plain = join(root, 'plain');
    await smallWorld(plain, 2);
    rmSync(join(plain, 'metadata.jsonl'));
    const file = writeRecipe(root, {
      data: { folder: plain },
      stages: [{ ...testStage({ trainable: ['encoder'], maxSteps: 1 }), name: 'pretrain-encoder', kind: 'labels' }],
      branches: { sft: testStage({ maxSteps: 1 }) },
    }, 'plain.json');
    await expect(train({ recipe: file, runDir: join(root, 'plain-run'), backend: 'cpu' })).rejects.toThrow(
      `Stage "pretrain-encoder" (kind labels) needs to know which colour-shape classes each image shows, but ${plain} has no ` +
        'metadata.jsonl (a Shapes world writes one: pivot data shapes --out <dir>). Use a Shapes world, or remove the labels stage from the recipe.',
    );
  });
});
