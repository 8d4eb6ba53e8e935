// A branch's `seed` seeds its data order and nothing else: two branches with the same settings and seed train to
// the same weights whatever their names (so sweep points differ only by their settings), another seed does not.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { train } from '../../../../src-main/engine/train';
import { removeTemp, smallWorld, tempFolder, testStage, weightFiles, writeRecipe } from '../train/helpers';

const root = tempFolder('branch-seed');
let world = '';
beforeAll(async () => {
  world = await smallWorld(join(root, 'world'), 12);
});
afterAll(() => removeTemp(root));

describe('branch seed', () => {
  it('gives the same weights for the same seed under another name, and others for another seed', async () => {
    const runDir = join(root, 'run');
    const branch = (name: string, seed: number) => {
      const recipe = writeRecipe(root, {
        data: { folder: world },
        stages: [{ name: 'align', kind: 'caption', ...testStage({ trainable: ['projector'], maxSteps: 1 }) }],
        branches: { sft: testStage({ name, seed, maxSteps: 3 }) },
      }, `${name}.json`);
      return train({ recipe, runDir, backend: 'cpu' });
    };
    const a = await branch('first', 1);
    const b = await branch('second', 1);
    const c = await branch('third', 2);
    expect(a.stages[0]!.checkpoint).toBe(join(runDir, 'checkpoints', 'align-1'));
    expect(b.stages[0]!.checkpoint).toBe(a.stages[0]!.checkpoint);
    expect(weightFiles(b.finalCheckpoint)).toEqual(weightFiles(a.finalCheckpoint));
    expect(weightFiles(c.finalCheckpoint)).not.toEqual(weightFiles(a.finalCheckpoint));
  }, 120_000);
});
