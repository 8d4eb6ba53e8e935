// A run on workspace pairs records exactly what it trains on: the exported folder's workspace-pairs.json (datasets,
// filter, counts, the pair file's sha256), the run's recipe.json naming that folder instead of the recipe's Shapes
// world, and the exported model card naming the datasets, counts and hash.
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { modelCard } from '../../../src-main/engine/export/model-card';
import { readRunManifest } from '../../../src-main/engine/run-folder/manifest';
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
    await checkAndRecordRecipe(runDir, { version: 1, stages: {} }, recipe, pipelineFor(recipe, 'dpo'), data);
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
});
