// Probe-as-you-train: a branch with `probeEvery: 2` logs the encoder's linear probe and segmentation probe every
// second step in metrics.jsonl, each value equals the same probe run afterwards on that step's checkpoint, and the
// losses are those of the same run without probes.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { TRAINING_PROBE_SEED, trainingProbeDataset } from '../../../../src-main/engine/analysis/training-probe';
import { TRAINING_PROBE_METRICS } from '../../../../src-shared/domain/runs';
import { readMetrics } from '../../../../src-main/engine/run-folder/metrics';
import { EncoderImages, loadEncoderFolder, measureLinear, measureSegmentation } from '../../../../src-main/engine/study/measure-encoder';
import { train } from '../../../../src-main/engine/train';
import { BUILT_IN_RECIPE_DIR } from '../../../../src-main/engine/train/recipe';
import type { RecipeInput } from '../../../../src-main/engine/train/recipe-schema';
import { removeTemp, tempFolder } from './helpers';

const root = tempFolder('probe-every');
afterAll(() => removeTemp(root));

describe('probeEvery on a branch', () => {
  it('logs probe/linear_accuracy and probe/seg_miou every N steps, equal to the probes of that step\'s checkpoint', async () => {
    const quick = parse(readFileSync(join(BUILT_IN_RECIPE_DIR, 'shapes-quick.yaml'), 'utf8')) as RecipeInput;
    const steps: Record<string, number> = { align: 2, instruct: 2 };
    const recipe: RecipeInput = {
      ...quick,
      name: 'probe-every',
      data: { shapes: { count: 24, seed: 0, size: 32, difficulty: 'easy' } },
      stages: quick.stages.map((s) => ({ ...s, maxSteps: steps[s.name] ?? s.maxSteps })),
      branches: { sft: { ...quick.branches.sft!, maxSteps: 3, probeEvery: 2, checkpointEvery: 2 } },
    };
    const recipeFile = join(root, 'probe-every.json');
    writeFileSync(recipeFile, JSON.stringify(recipe));
    const runDir = join(root, 'run');
    await train({ recipe: recipeFile, runDir, backend: 'wasm', objective: 'sft' });

    const branch = readMetrics(runDir).filter((m) => m.stage === 'sft');
    expect(branch.map((m) => [m.step, TRAINING_PROBE_METRICS.linear in m.values, TRAINING_PROBE_METRICS.segmentation in m.values])).toEqual([
      [1, false, false], [2, true, true], [3, false, false],
    ]);
    expect(readMetrics(runDir).filter((m) => m.stage !== 'sft').some((m) => TRAINING_PROBE_METRICS.linear in m.values)).toBe(false);

    const logged = branch[1]!.values;
    const encoder = await loadEncoderFolder(join(runDir, 'checkpoints', 'sft-2', 'encoder'));
    try {
      const images = new EncoderImages(encoder, await trainingProbeDataset(join(runDir, 'data')));
      expect(images.dataset.items).toHaveLength(24);
      expect(logged[TRAINING_PROBE_METRICS.linear]).toBe((await measureLinear(images, [TRAINING_PROBE_SEED])).result.accuracy.mean);
      expect(logged[TRAINING_PROBE_METRICS.segmentation]).toBe((await measureSegmentation(images, [TRAINING_PROBE_SEED])).result.mIoU.mean);
    } finally {
      encoder.model.dispose();
    }

    // Probing does not change training: the same recipe without probeEvery gives the very same losses.
    writeFileSync(recipeFile, JSON.stringify({ ...recipe, branches: { sft: { ...recipe.branches.sft!, probeEvery: 0 } } }));
    const plainRun = join(root, 'plain');
    await train({ recipe: recipeFile, runDir: plainRun, backend: 'wasm', objective: 'sft' });
    expect(readMetrics(plainRun).filter((m) => m.stage === 'sft').map((m) => m.values.loss)).toEqual(branch.map((m) => m.values.loss));
  }, 180_000);

  it('refuses a run whose data is not a Shapes world, naming the folder and the field', async () => {
    await expect(trainingProbeDataset(root)).rejects.toMatchObject({
      code: 'INVALID_CONFIG', message: expect.stringMatching(/^probeEvery needs the run's data to be a Shapes world .*not a Shapes world folder \(no captions\.jsonl\)\. Remove probeEvery from the branch, or train on a Shapes world\.$/),
    });
  });
});
