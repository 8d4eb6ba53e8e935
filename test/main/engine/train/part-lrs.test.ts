// Per-module learning rates (issue 11): a stage's projectorLr 0 keeps the projector bit-identical while the LM,
// trained at its own lmLr, moves; each part's LR is logged beside the stage's; an LR of a part not trainable is refused.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../src-main/engine/backend/select';
import { saveMllm } from '../../../../src-main/engine/models/mllm/checkpoint';
import { createPresetMllm, readTokenizerFiles } from '../../../../src-main/engine/models/mllm';
import { writeRunSettings } from '../../../../src-main/engine/run-folder/run-settings';
import { train } from '../../../../src-main/engine/train';
import type { RunEvent } from '../../../../src-main/engine/train/api';
import { loadRecipe } from '../../../../src-main/engine/train/recipe';
import { metricsOf, removeTemp, smallWorld, tempFolder, testStage, weightFiles, writeRecipe } from './helpers';

const root = tempFolder('part-lrs');
let world: string;
beforeAll(async () => {
  await selectBackend('cpu');
  world = await smallWorld(join(root, 'world'), 4);
});
afterAll(() => removeTemp(root));

describe('per-module learning rates', () => {
  it('trains each part at its own LR: projectorLr 0 leaves the projector bit-identical while the LM moves', async () => {
    const recipe = writeRecipe(root, {
      data: { folder: world },
      stages: [],
      branches: { sft: testStage({ trainable: ['encoder', 'projector', 'lm'], lr: 1e-3, encoderLr: 0, projectorLr: 0, lmLr: 5e-3, maxSteps: 1 }) },
    });
    const initial = createPresetMllm('toy', { tokenizerFiles: readTokenizerFiles(world), tokenizerSource: world, seed: 3 });
    await saveMllm(initial, join(root, 'initial'));
    initial.dispose();
    const events: RunEvent[] = [];
    const result = await train({ recipe, runDir: join(root, 'run'), backend: 'cpu', onEvent: (e) => events.push(e) });

    const before = weightFiles(join(root, 'initial'));
    const after = weightFiles(result.finalCheckpoint);
    expect(after['projector.safetensors']).toBe(before['projector.safetensors']);
    expect(after['encoder/model.safetensors']).toBe(before['encoder/model.safetensors']);
    expect(after['lm/model.safetensors']).not.toBe(before['lm/model.safetensors']);
    expect(metricsOf(events, 'sft')[0]?.values).toMatchObject({ learning_rate: 1e-3, encoder_learning_rate: 0, projector_learning_rate: 0, lm_learning_rate: 5e-3 });
  });

  it('takes the branch settings a run asked for (run-settings.json) over the recipe\'s, and records them', async () => {
    const recipe = writeRecipe(root, { data: { folder: world }, stages: [], branches: { sft: testStage({ maxSteps: 1 }) } }, 'plain.json');
    const runDir = join(root, 'run-with-settings');
    mkdirSync(runDir);
    await writeRunSettings(runDir, { branch: { trainable: ['projector', 'lm'], lr: 2e-3, projectorLr: 0 } });
    const events: RunEvent[] = [];
    const result = await train({ recipe, runDir, backend: 'cpu', onEvent: (e) => events.push(e) });

    const before = weightFiles(join(root, 'initial'));
    const after = weightFiles(result.finalCheckpoint);
    expect(after['projector.safetensors']).toBe(before['projector.safetensors']);
    expect(after['encoder/model.safetensors']).toBe(before['encoder/model.safetensors']);
    expect(after['lm/model.safetensors']).not.toBe(before['lm/model.safetensors']);
    expect(metricsOf(events, 'sft')[0]?.values).toMatchObject({ learning_rate: 2e-3, projector_learning_rate: 0 });
    const recorded = JSON.parse(readFileSync(join(runDir, 'recipe.json'), 'utf8')) as { stages: Record<string, { trainable: string[]; lr: number; projectorLr: number }> };
    expect(recorded.stages.sft).toMatchObject({ trainable: ['projector', 'lm'], lr: 2e-3, projectorLr: 0 });

    const refused = join(root, 'run-refused');
    mkdirSync(refused);
    await writeRunSettings(refused, { branch: { trainable: ['lm'], encoderLr: 1e-6 } });
    await expect(train({ recipe, runDir: refused, backend: 'cpu' })).rejects.toThrow(
      '"encoderLr" is set but the trained parts (lm) do not include the encoder.',
    );
  });

  it('refuses an LR for a part the stage does not train, naming the field', () => {
    const recipe = writeRecipe(root, { data: { folder: world }, stages: [], branches: { sft: testStage({ trainable: ['lm'], projectorLr: 1e-4 }) } }, 'bad.json');
    expect(() => loadRecipe(recipe)).toThrow('"branches.sft.projectorLr" is set but "branches.sft.trainable" does not include the projector.');
  });
});
