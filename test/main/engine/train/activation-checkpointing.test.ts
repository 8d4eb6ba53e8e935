// A stage with activationCheckpointing: true trains to the same weights as without, bit for bit on cpu (each block
// recomputed in the backward gives the same gradients), and logs the smaller estimate.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { train } from '../../../../src-main/engine/train';
import type { RunEvent } from '../../../../src-main/engine/train/api';
import { removeTemp, smallWorld, tempFolder, testStage, weightFiles, writeRecipe } from './helpers';

const root = tempFolder('checkpointing');
let world: string;
let recipes = 0;
beforeAll(async () => {
  world = await smallWorld(join(root, 'world'), 4);
});
afterAll(() => removeTemp(root));

/**
 * Trains two SFT steps of the toy preset with checkpointing on or off, in a new run folder or `runDir`; the final
 * checkpoint and the logged estimate.
 */
async function run(activationCheckpointing: boolean, runDir?: string): Promise<{ checkpoint: string; estimate: string }> {
  const dir = join(root, `recipe-${(recipes += 1)}`);
  mkdirSync(dir);
  const recipe = writeRecipe(dir, {
    data: { folder: world },
    stages: [],
    branches: { sft: testStage({ maxSteps: 2, batchSize: 2, activationCheckpointing }) },
  });
  const events: RunEvent[] = [];
  const result = await train({ recipe, runDir: runDir ?? join(dir, 'run'), backend: 'cpu', onEvent: (e) => events.push(e) });
  const estimate = events.flatMap((e) => (e.type === 'log' && e.message.includes('memory estimate') ? [e.message] : [])).join();
  return { checkpoint: result.finalCheckpoint, estimate };
}

describe('a stage with activation checkpointing', () => {
  it('trains to exactly the weights it reaches without, with a smaller activations estimate', async () => {
    const plain = await run(false);
    const recomputed = await run(true);
    expect(weightFiles(recomputed.checkpoint)).toEqual(weightFiles(plain.checkpoint));
    const activations = (line: string) => Number(/activations ([\d.]+) MiB/.exec(line)?.[1]);
    expect(activations(recomputed.estimate)).toBeLessThan(activations(plain.estimate));
  });

  it('may be turned on for a run folder trained without it: it changes memory, not the results', async () => {
    const plain = await run(false);
    const again = await run(true, join(plain.checkpoint, '..', '..'));
    expect(again.checkpoint).toBe(plain.checkpoint);
  });
});
