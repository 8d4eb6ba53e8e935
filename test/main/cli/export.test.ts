// `pivot export` as a user runs it: a run named by its id in the workspace resolves to its run folder and its
// post-trained checkpoint, --json prints exactly one object, a non-empty --out is refused without --force, and a
// checkpoint folder exports too.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/engine/backend/select';
import { loadRecipe, pipelineFor } from '../../../src-main/engine/train';
import { Workspace } from '../../../src-main/store/workspace';
import { saveToyModel } from '../../helpers/toy-model';
import { tempDir } from '../../helpers/workspace';
import { startPivot } from './run-pivot';

const workspace = tempDir('pivot-export-ws-');
let runDir = '';

/** A run folder as `train` leaves it after the sft branch of shapes-quick (weights from a seeded toy model). */
beforeAll(async () => {
  await selectBackend('cpu');
  const ws = Workspace.open(workspace);
  const run = ws.runs.create({ recipe: 'shapes-quick', objective: 'sft', backend: 'cpu', data: null, ownerPid: process.pid });
  ws.close();
  runDir = run.runDir;
  await saveToyModel(8, { checkpoint: join(runDir, 'checkpoints', 'sft-8') });
  const recipe = loadRecipe('shapes-quick');
  const stages = pipelineFor(recipe, 'sft');
  const checkpoints: Record<string, string> = { align: 'align-3', instruct: 'instruct-6', sft: 'sft-8' };
  const state = Object.fromEntries(stages.map((s) => [s.name, { status: 'done', checkpoint: join('checkpoints', checkpoints[s.name]!), step: s.maxSteps, totalSteps: s.maxSteps, finalLoss: 1 }]));
  writeFileSync(join(runDir, 'state.json'), JSON.stringify({ version: 1, stages: state }));
  const manifest = { recipe: recipe.source, seed: recipe.seed, model: recipe.model, data: { ...recipe.data, resolvedFolder: join(runDir, 'data') }, stages: Object.fromEntries(stages.map((s) => [s.name, s])) };
  writeFileSync(join(runDir, 'recipe.json'), JSON.stringify(manifest));
});

describe('pivot export', () => {
  it('exports a workspace run by id, prints one JSON object, and refuses to overwrite without --force', async () => {
    const out = join(tempDir('pivot-export-'), 'encoder');
    const args = ['export', '--run', '1', '--workspace', workspace, '--out', out, '--with-projector', '--backend', 'cpu', '--json'];
    const first = await startPivot(args).done;
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(first.stdout)).toMatchObject({
      out, runDir, stage: 'sft', step: 8, objective: 'sft', architecture: 'SiglipVisionModel', withProjector: true, maxRelativeError: 0,
      files: ['README.md', 'config.json', 'model.safetensors', 'preprocessor_config.json', 'projector.safetensors'],
    });
    const again = await startPivot(args).done;
    expect(again.code).toBe(64);
    expect(again.stderr).toMatch(/is not empty; .*--force/);
    // With --json a failure is also one error object on stdout.
    expect(JSON.parse(again.stdout)).toEqual({ error: { code: 'INVALID_REQUEST', message: `${out} is not empty; export into a new or empty folder, or pass --force to replace it.` } });
  });

  it('exports a checkpoint folder, with a readable summary', async () => {
    const out = join(tempDir('pivot-export-'), 'encoder');
    mkdirSync(out);
    const { code, stdout, stderr } = await startPivot(['export', '--checkpoint', join(runDir, 'checkpoints', 'sft-8'), '--out', out, '--backend', 'cpu']).done;
    expect(code, stderr).toBe(0);
    expect(stdout).toContain(`Exported the sft-trained SiglipVisionModel from stage sft step 8 of ${runDir}`);
    expect(stdout).toContain('max relative error 0');
    expect(readdirSync(out).sort()).toEqual(['README.md', 'config.json', 'model.safetensors', 'preprocessor_config.json']);
  });
});
