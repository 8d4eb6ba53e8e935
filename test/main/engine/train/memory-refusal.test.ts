// A run whose training would not fit in the backend's memory is refused before its first step, with the estimate
// named term by term; the estimate of every stage is logged first. The machine's RAM is mocked down to 10 MiB, which
// holds the toy model's weights (0.7 MiB) and its projector-only stage but not its full training.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PivotError } from '../../../../src-shared/errors';
import { train } from '../../../../src-main/engine/train';
import type { RunEvent } from '../../../../src-main/engine/train/api';
import { removeTemp, smallWorld, tempFolder, testStage, writeRecipe } from './helpers';

const RAM = 10 * 2 ** 20;
vi.mock('node:os', async (importOriginal) => {
  const os = await importOriginal<typeof import('node:os')>();
  return { ...os, totalmem: () => RAM };
});

const root = tempFolder('memory');
let world: string;
beforeAll(async () => {
  world = await smallWorld(join(root, 'world'), 4);
});
afterAll(() => removeTemp(root));

describe('training memory', () => {
  it('refuses a run that does not fit before the first step, naming every term and what to change', async () => {
    const recipe = writeRecipe(root, {
      data: { folder: world },
      stages: [{ ...testStage({ trainable: ['projector'], maxSteps: 1, batchSize: 1 }), name: 'align', kind: 'caption' }],
      branches: { sft: testStage({ maxSteps: 1, batchSize: 4 }) },
    });
    const events: RunEvent[] = [];
    const run = join(root, 'run');
    const refusal = await train({ recipe, runDir: run, backend: 'cpu', onEvent: (e) => events.push(e) }).then(() => undefined, (err: unknown) => err as PivotError);

    expect(refusal?.code).toBe('INVALID_CONFIG');
    expect(refusal?.message).toBe(
      'Stage "sft": training needs about 22.4 MiB (weights 0.7 MiB + gradients 0.7 MiB + AdamW state 1.4 MiB + activations 19.5 MiB = 22.4 MiB) ' +
        'but that is more than the 10.0 MiB of RAM the cpu backend uses. To fit: lower batchSize and raise gradAccum to keep the same step ' +
        '(activations scale with the batch), set activationCheckpointing: true (keeps one block\'s activations instead of all), or train ' +
        'fewer parts in "trainable" (a frozen part needs no gradients nor AdamW state); a shorter data.maxLength also shrinks the activations.',
    );
    // Both stages' estimates were logged, the first (projector only, one image) smaller; no step ran, no checkpoint was written.
    const estimates = events.flatMap((e) => (e.type === 'log' && e.message.includes('training memory estimate') ? [e.message] : []));
    expect(estimates).toHaveLength(2);
    expect(estimates[0]).toBe('Stage align: training memory estimate weights 0.7 MiB + gradients 0.0 MiB + AdamW state 0.1 MiB + activations 6.0 MiB = 6.9 MiB, of 10.0 MiB available.');
    expect(events.filter((e) => e.type === 'metrics')).toEqual([]);
    expect(existsSync(join(run, 'checkpoints'))).toBe(false);
  });
});
