// `pivot train --encoder DIR --lm DIR` as a user runs it on the shared fixtures (a tiny CLIP vision folder, a tiny
// Qwen2 folder with its tokenizer): one projector step, the recipe the run trained recorded with both folders in place
// of its model, and a checkpoint whose frozen encoder and LM are the fixtures' own weights.
import { copyFileSync, cpSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SafetensorsFile } from '../../../src-main/engine/io/safetensors';
import { Workspace } from '../../../src-main/store/workspace';
import { writeOneStepRecipe } from '../../helpers/one-step-recipe';
import { removeTemp, tempFolder } from '../engine/train/helpers';
import { startPivot } from './run-pivot';

const FIXTURES = fileURLToPath(new URL('../../fixtures/hf', import.meta.url));
const root = tempFolder('train-encoder-lm');
afterAll(() => removeTemp(root));

/** One tensor's bytes as stored. */
const bytesOf = (file: string, name: string) => Buffer.from(SafetensorsFile.open(file).read(name).data.buffer);

describe('pivot train --encoder --lm', () => {
  it('joins the two folders with a fresh projector, trains it one step and keeps the frozen parts as they came', async () => {
    const encoder = join(FIXTURES, 'clip-vision');
    const lm = join(root, 'qwen2-lm');
    cpSync(join(FIXTURES, 'qwen2-lm'), lm, { recursive: true });
    copyFileSync(join(FIXTURES, 'tokenizer', 'tokenizer.json'), join(lm, 'tokenizer.json'));
    const recipe = writeOneStepRecipe(root, 'tiny');
    const workspace = join(root, 'workspace');

    const trained = await startPivot(['train', '--workspace', workspace, '--recipe', recipe, '--encoder', encoder, '--lm', lm, '--backend', 'cpu', '--json']).done;
    expect(trained.code, trained.stderr).toBe(0);
    const checkpoint = join(workspace, 'runs', '1', 'checkpoints', 'sft-1');
    expect(JSON.parse(trained.stdout)).toMatchObject({ runId: 1, status: 'completed', objective: 'sft', stages: [{ name: 'sft', steps: 1, checkpoint }], finalCheckpoint: checkpoint });

    const ws = Workspace.open(workspace);
    const run = ws.runs.get(1);
    ws.close();
    expect(JSON.parse(readFileSync(run.recipe, 'utf8'))).toMatchObject({ name: 'tiny on qwen2-lm', model: { encoder, lm, featureLayer: -2 } });
    const patch = 'embeddings.patch_embedding.weight';
    expect(bytesOf(join(checkpoint, 'encoder', 'model.safetensors'), patch).equals(bytesOf(join(encoder, 'model.safetensors'), patch))).toBe(true);
    const embed = 'model.embed_tokens.weight';
    expect(bytesOf(join(checkpoint, 'lm', 'model.safetensors'), embed).equals(bytesOf(join(lm, 'model.safetensors'), embed))).toBe(true);
    expect(readFileSync(join(checkpoint, 'tokenizer.json'), 'utf8')).toBe(readFileSync(join(lm, 'tokenizer.json'), 'utf8'));
  }, 120_000);
});
