// The objectives as training steps: SFT's loss is the answer-token cross-entropy of the very batch the loop
// built, DPO starts at ln 2 with zero margins because policy == reference, and the reference is computed once.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as tf from '../../../../src-main/engine/backend/tf';
import { collate, readDataset } from '../../../../src-main/engine/data/batches';
import { stepMicroBatches } from '../../../../src-main/engine/data/batches/batches';
import { createPresetMllm, Mllm, readTokenizerFiles } from '../../../../src-main/engine/models/mllm';
import { sftLoss, shiftForNextToken } from '../../../../src-main/engine/objectives';
import { stageSeed, train } from '../../../../src-main/engine/train';
import type { RunControl, RunEvent } from '../../../../src-main/engine/train/api';
import { sftLossOf } from '../../../../src-main/engine/objectives';
import { loadRecipe, pipelineFor } from '../../../../src-main/engine/train/recipe';
import { prepareStageItems } from '../../../../src-main/engine/train/run-data';
import { stagePlan } from '../../../../src-main/engine/train/stage-runner';
import { metricsOf, removeTemp, smallWorld, tempFolder, testStage, writeRecipe } from './helpers';

const root = tempFolder('objectives');
let world: string;

beforeAll(async () => {
  world = await smallWorld(join(root, 'world'));
});
afterAll(() => removeTemp(root));

/** −mean over answer tokens of log softmax, straight from the logits, in float64. */
function crossEntropyByHand(logits: number[][][], ids: number[][], mask: number[][]): number {
  let total = 0;
  let count = 0;
  logits.forEach((row, b) => {
    for (let t = 0; t + 1 < row.length; t++) {
      if (mask[b]![t + 1] !== 1) continue;
      const scores = row[t]!;
      const max = Math.max(...scores);
      const logSum = max + Math.log(scores.reduce((s, x) => s + Math.exp(x - max), 0));
      total += (scores[ids[b]![t + 1]!] as number) - logSum;
      count++;
    }
  });
  return -total / count;
}

describe('SFT step', () => {
  it('reports the cross-entropy of the first micro-batch under the initial weights, equal to a hand computation', async () => {
    const recipePath = writeRecipe(root, { data: { folder: world }, stages: [], branches: { sft: testStage({ maxSteps: 1 }) } }, 'sft.json');
    const events: RunEvent[] = [];
    await train({ recipe: recipePath, runDir: join(root, 'run-sft'), backend: 'cpu', onEvent: (e) => events.push(e) });
    const reported = metricsOf(events, 'sft')[0]!.values.loss!;

    // Rebuild that batch from the public pieces and the same seed.
    const recipe = loadRecipe(recipePath);
    const stage = pipelineFor(recipe, 'sft')[0]!;
    const model = createPresetMllm('toy', { tokenizerFiles: readTokenizerFiles(world), tokenizerSource: world, seed: recipe.seed });
    const { items, images } = await prepareStageItems([stage], readDataset(world), model, recipe);
    const stageItems = items.get('sft')!;
    const [indices] = stepMicroBatches(stagePlan(stage, stageItems.length), stageSeed(recipe.seed, 'sft'), 0).microBatches;
    const batch = collate(indices!.map((i) => stageItems[i]!), images);
    const out = model.forward(batch);
    const byHand = crossEntropyByHand(out.logits.arraySync(), out.inputIds.arraySync(), out.labelsMask.arraySync());
    const shifted = shiftForNextToken(out.logits, out.inputIds, out.labelsMask);
    const viaSftLoss = sftLoss(shifted.logits, shifted.labels, shifted.mask).dataSync()[0]!;
    const step = sftLossOf(model, batch).dataSync()[0]!;
    expect(reported).toBe(step);
    expect(step).toBe(viaSftLoss);
    expect(Math.abs(step - byHand) / byHand).toBeLessThan(1e-6);
    expect(step).toBeGreaterThan(3); // about ln(vocabulary) for a fresh model
    tf.dispose([out.logits, out.inputIds, out.labelsMask, shifted.logits, shifted.labels, shifted.mask, batch.pixels!]);
    model.dispose();
  });
});

describe('DPO step', () => {
  const dpoRecipe = () => writeRecipe(root, { objective: 'dpo', data: { folder: world }, stages: [], branches: { dpo: testStage({ epochs: 2, lr: 1e-3, batchSize: 3, subset: { from: 0, to: 0.2 } }) } }, 'dpo.json');

  it('starts at loss ln 2 with margins exactly 0, and computes the reference once per pair for the whole stage', async () => {
    const runDir = join(root, 'run-dpo');
    const forward = vi.spyOn(Mllm.prototype, 'forward');
    // Stop after the first step, then resume: the second process reads the reference from ref_logps.json.
    let seen = 0;
    const stopAfterOne: RunControl = { shouldStop: () => seen >= 1, waitWhilePaused: async () => undefined };
    const events: RunEvent[] = [];
    const first = await train({ recipe: dpoRecipe(), runDir, backend: 'cpu', control: stopAfterOne, onEvent: (e) => {
      events.push(e);
      seen += e.type === 'metrics' ? 1 : 0;
    } });
    expect(first.cancelled).toBe(true);
    const step1 = metricsOf(events, 'dpo')[0]!;
    const perEpoch = step1.totalSteps / 2;
    expect(forward).toHaveBeenCalledTimes(perEpoch + 1);
    expect(step1.values.loss).toBeCloseTo(0.693147, 6);
    expect([step1.values['rewards/margins'], step1.values['rewards/chosen'], step1.values['rewards/rejected'], step1.values['rewards/accuracies']]).toEqual([0, 0, 0, 0]);
    expect(step1.values['logps/chosen']).toBe(step1.values['ref_logps/chosen']);
    expect(step1.values['logps/chosen']).toBeLessThan(0);

    forward.mockClear();
    const later: RunEvent[] = [];
    await train({ recipe: dpoRecipe(), runDir, backend: 'cpu', onEvent: (e) => later.push(e) });
    const steps = metricsOf(later, 'dpo');
    // One forward per training micro-batch and no reference forward, through epoch 2 as well.
    expect(steps.map((e) => e.step)).toEqual(Array.from({ length: 2 * perEpoch - 1 }, (_, i) => i + 2));
    expect(forward).toHaveBeenCalledTimes(steps.length);
    expect(later.some((e) => e.type === 'log' && /reference log-probs of \d+ pairs read from the cache/.test(e.message))).toBe(true);
    expect(steps.at(-1)!.values['rewards/margins']).not.toBe(0);
    forward.mockRestore();
  });
});
