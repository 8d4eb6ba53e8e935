// A run on workspace pairs records exactly what it trains on: the exported folder's workspace-pairs.json (datasets,
// filter, counts, the pair file's sha256), the run's recipe.json naming that folder instead of the recipe's Shapes
// world, and the exported model card naming the datasets, counts and hash; resuming it re-checks that hash, and a run
// recorded before this record existed resumes on its folder as it is.
import { createHash } from 'node:crypto';
import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { modelCard } from '../../../src-main/engine/export/model-card';
import { readRunManifest, writeRunManifest } from '../../../src-main/engine/run-folder/manifest';
import type { RunState } from '../../../src-main/engine/run-folder/state';
import { loadRecipe, pipelineFor } from '../../../src-main/engine/train/recipe';
import { trainingData } from '../../../src-main/engine/train/run-data';
import { RunLog } from '../../../src-main/engine/train/run-log';
import { checkAndRecordRecipe } from '../../../src-main/engine/train/run-manifest';
import { materialiseRunData } from '../../../src-main/runs/run-data';
import { workspaceWithPairs } from '../../helpers/workspace';

const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('a run on workspace pairs', () => {
  it('records the exported datasets, filter, counts and sha256 in recipe.json and the model card, not the Shapes world', async () => {
    const ws = await workspaceWithPairs([{}, {}, {}, {}]);
    made.push(ws.dir);
    for (const id of [1, 2, 3]) ws.pairs.update(id, { status: 'accepted' });
    const runDir = join(ws.dir, 'runs', '1');

    const folder = await materialiseRunData(ws, { dataset: 'test/pairs.jsonl', filter: { status: ['accepted'] } }, runDir);
    expect(folder).toBe(join(runDir, 'data'));
    const pairsFile = readFileSync(join(folder, 'pairs.jsonl'));
    const sha256 = createHash('sha256').update(pairsFile).digest('hex');
    const expected = {
      workspace: ws.dir,
      filter: { status: ['accepted'], dataset: 'test/pairs.jsonl' },
      pairs: 3,
      splits: { train: 3, test: 0 },
      datasets: { 'test/pairs.jsonl': 3 },
      file: { name: 'pairs.jsonl', sha256, bytes: pairsFile.length },
    };
    expect(JSON.parse(readFileSync(join(folder, 'workspace-pairs.json'), 'utf8'))).toEqual(expected);

    // The engine's side, as `train` does it with the folder main hands it: shapes-quick's Shapes world is not used.
    const recipe = loadRecipe('shapes-quick');
    expect(recipe.data.shapes).toBeDefined();
    const data = await trainingData(recipe, folder, runDir, new RunLog(runDir));
    await checkAndRecordRecipe(runDir, { version: 1, stages: {} }, recipe, pipelineFor(recipe, 'dpo'), data, noWarning);
    const manifest = readRunManifest(runDir);
    expect(manifest?.data).toEqual({ folder, includeTestSplit: recipe.data.includeTestSplit, resolvedFolder: folder, workspacePairs: expected });

    const card = modelCard({
      source: { checkpoint: join(runDir, 'checkpoints/dpo-8'), runDir, stage: 'dpo', step: 8, objective: 'dpo', manifest, state: null },
      architecture: 'SiglipVisionModel', modelType: 'siglip_vision_model', featureLayer: -2, numHiddenLayers: 3, baseModel: null, withProjector: false,
    });
    expect(card).toContain(`Dataset folder \`${folder}\` — 3 pairs exported from the workspace \`${ws.dir}\` for the run: TRL preference pairs`);
    expect(card).toContain("- Datasets: `test/pairs.jsonl` (3).\n- Filter: status accepted, dataset 'test/pairs.jsonl'.\n- Splits: 3 train, 0 test.\n");
    expect(card).toContain(`- \`pairs.jsonl\` (${pairsFile.length} bytes) sha256 \`${sha256}\`; its images are named by their content hash.`);
    expect(card).not.toContain('Shapes world');
    ws.close();
  });

  it('refuses to resume once the exported pair file changed, naming it and both hashes', async () => {
    const { runDir, folder, recipe } = await startedRun();
    const recorded = createHash('sha256').update(readFileSync(join(folder, 'pairs.jsonl'))).digest('hex');
    appendFileSync(join(folder, 'pairs.jsonl'), readFileSync(join(folder, 'pairs.jsonl'), 'utf8').split('\n')[0] + '\n');
    const now = createHash('sha256').update(readFileSync(join(folder, 'pairs.jsonl'))).digest('hex');
    const manifestBefore = readFileSync(join(runDir, 'recipe.json'));

    const data = await trainingData(recipe, folder, runDir, new RunLog(runDir));
    const resuming = checkAndRecordRecipe(runDir, oneStageTrained, recipe, pipelineFor(recipe, 'dpo'), data, noWarning);
    await expect(resuming).rejects.toMatchObject({
      code: 'INVALID_DATA',
      message:
        `${join(folder, 'pairs.jsonl')} has changed since it was exported for the run: its sha256 is ${now}, but ${join(runDir, 'recipe.json')} records ${recorded}. ` +
        'Put the exported file back to resume the run, or start a new run on the pairs as they are now.',
      details: { file: join(folder, 'pairs.jsonl') },
    });
    expect(readFileSync(join(runDir, 'recipe.json'))).toEqual(manifestBefore);
  });

  it('resumes a run recorded before workspace-pairs.json existed, on its folder as it is, saying so', async () => {
    const { runDir, folder, recipe } = await startedRun();
    // What runs recorded then: the recipe's own data (its Shapes world) beside the folder given, and no pair record.
    rmSync(join(folder, 'workspace-pairs.json'));
    const manifest = readRunManifest(runDir);
    if (!manifest) throw new Error('no recipe.json');
    await writeRunManifest(runDir, { ...manifest, data: { ...recipe.data, resolvedFolder: folder } });

    const warnings: string[] = [];
    const data = await trainingData(recipe, folder, runDir, new RunLog(runDir));
    await checkAndRecordRecipe(runDir, oneStageTrained, recipe, pipelineFor(recipe, 'dpo'), data, (message) => warnings.push(message));
    expect(warnings).toEqual([
      `${join(runDir, 'recipe.json')} was written before runs recorded the pairs they train on, so what ${folder} held then is unknown: ` +
        'the run resumes on the folder as it is now, and records it from here on.',
    ]);
    expect(readRunManifest(runDir)?.data).toEqual({ folder, includeTestSplit: recipe.data.includeTestSplit, resolvedFolder: folder });

    // A folder other than the one recorded is still other data.
    const elsewhere = { ...data, folder: join(runDir, 'other'), resolvedFolder: join(runDir, 'other') };
    await writeRunManifest(runDir, { ...manifest, data: { ...recipe.data, resolvedFolder: folder } });
    await expect(checkAndRecordRecipe(runDir, oneStageTrained, recipe, pipelineFor(recipe, 'dpo'), elsewhere, noWarning)).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      message: expect.stringContaining('(the data differ from'),
    });
  });
});

const noWarning = (message: string): void => {
  throw new Error(`unexpected warning: ${message}`);
};

/** A run folder's state once a stage holds a checkpoint: a later train there is a resume. */
const oneStageTrained: RunState = { version: 1, stages: { align: { status: 'running', step: 1, totalSteps: 4, finalLoss: 1, checkpoint: 'checkpoints/align-1' } } };

/** A run on 3 accepted workspace pairs, exported and recorded as `train` records it when it starts. */
async function startedRun(): Promise<{ runDir: string; folder: string; recipe: ReturnType<typeof loadRecipe> }> {
  const ws = await workspaceWithPairs([{}, {}, {}]);
  made.push(ws.dir);
  for (const id of [1, 2, 3]) ws.pairs.update(id, { status: 'accepted' });
  const runDir = join(ws.dir, 'runs', '1');
  const folder = await materialiseRunData(ws, { dataset: 'test/pairs.jsonl', filter: { status: ['accepted'] } }, runDir);
  ws.close();
  const recipe = loadRecipe('shapes-quick');
  await checkAndRecordRecipe(runDir, { version: 1, stages: {} }, recipe, pipelineFor(recipe, 'dpo'), await trainingData(recipe, folder, runDir, new RunLog(runDir)), noWarning);
  return { runDir, folder, recipe };
}
