// `pivot train --base DIR` and `pivot export --mllm` on the real engine: a toy model saved as a LLaVA folder is
// post-trained (one projector step) and exported back as a LLaVA folder; --base with --resume, or half of
// --encoder --lm, is refused before anything runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/engine/backend/select';
import { loadLlava } from '../../../src-main/engine/models/llava';
import { Workspace } from '../../../src-main/store/workspace';
import { writeOneStepRecipe } from '../../helpers/one-step-recipe';
import { saveToyModel } from '../../helpers/toy-model';
import { removeTemp, tempFolder } from '../engine/train/helpers';
import { startPivot } from './run-pivot';

const root = tempFolder('llava-base-cli');
const base = join(root, 'base');
const workspace = join(root, 'workspace');

beforeAll(async () => {
  await selectBackend('cpu');
  await saveToyModel(6, { llava: base });
});
afterAll(() => removeTemp(root));

describe('pivot train --base and pivot export --mllm', () => {
  it('post-trains the LLaVA folder in place of the recipe\'s model and exports the result as one', async () => {
    const recipe = writeOneStepRecipe(root, 'tiny-preset');
    const trained = await startPivot(['train', '--workspace', workspace, '--recipe', recipe, '--base', base, '--backend', 'cpu', '--json']).done;
    expect(trained.code, trained.stderr).toBe(0);
    expect(JSON.parse(trained.stdout)).toMatchObject({ runId: 1, status: 'completed', objective: 'sft' });
    const ws = Workspace.open(workspace);
    const run = ws.runs.get(1);
    ws.close();
    const derived = JSON.parse(readFileSync(run.recipe, 'utf8')) as { name: string; model: unknown };
    expect(derived).toMatchObject({ name: 'tiny-preset on base', model: { path: base } });
    expect(run.recipe.startsWith(join(workspace, 'recipes'))).toBe(true);

    const out = join(root, 'exported');
    const exported = await startPivot(['export', '--workspace', workspace, '--run', '1', '--mllm', '--out', out, '--backend', 'cpu', '--json']).done;
    expect(exported.code, exported.stderr).toBe(0);
    expect(JSON.parse(exported.stdout)).toMatchObject({ out, stage: 'sft', step: 1, layout: 'transformers-5' });
    const model = await loadLlava(out);
    expect(model.imageTokenCount).toBe(16);
    model.dispose();
  }, 120_000);

  it('refuses --base with --resume, and --encoder without --lm', async () => {
    const resumed = await startPivot(['train', '--workspace', workspace, '--resume', '1', '--base', base]).done;
    expect(resumed.code).toBe(64);
    expect(resumed.stderr).toBe('pivot: --resume 1 trains run 1 on with its own recipe, objective, data, model, backend and name: leave out --base.\n');
    const half = await startPivot(['train', '--workspace', workspace, '--recipe', 'shapes-quick', '--encoder', base]).done;
    expect(half.code).toBe(64);
    expect(half.stderr).toBe('pivot: --encoder needs --lm too: an encoder folder and an LM folder are joined by a fresh projector.\n');
  }, 60_000);
});
