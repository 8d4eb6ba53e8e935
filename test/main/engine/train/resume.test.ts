// Runs that stop and go on: a stopped run resumed ends bit-identical to an uninterrupted one (cpu), frozen
// parts stay bit-identical, the other branch reuses the shared stages, memory does not grow with the steps,
// and a diverging loss stops the run with the last good checkpoint intact.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../../../src-main/engine/backend/tf';
import { createPresetMllm, readTokenizerFiles, saveMllm } from '../../../../src-main/engine/models/mllm';
import { train } from '../../../../src-main/engine/train';
import type { RunControl, RunEvent } from '../../../../src-main/engine/train/api';
import { metricsOf, removeTemp, smallWorld, tempFolder, testStage, weightFiles, writeRecipe, type MetricsEvent } from './helpers';

const root = tempFolder('resume');
let world: string;
let recipe: string;
const uninterrupted = join(root, 'run-a');
const events: RunEvent[] = [];
const tensorsAtStep: number[] = [];

beforeAll(async () => {
  world = await smallWorld(join(root, 'world'));
  recipe = writeRecipe(root, {
    data: { folder: world },
    stages: [{ ...testStage({ trainable: ['projector'], maxSteps: 2 }), name: 'align', kind: 'caption' }],
    branches: { sft: testStage({ maxSteps: 4, checkpointEvery: 2, encoderLr: 2e-4 }), dpo: testStage({ maxSteps: 1, subset: { from: 0, to: 0.2 } }) },
  });
  await train({
    recipe, runDir: uninterrupted, backend: 'cpu',
    onEvent: (e) => {
      events.push(e);
      if (e.type === 'metrics') tensorsAtStep.push(tf.memory().numTensors);
    },
  });
});
afterAll(() => removeTemp(root));

const lossesOf = (list: MetricsEvent[]) => list.map((e) => [e.stage, e.step, e.values.loss]);

describe('resume', () => {
  it('continues a stopped run to the same weights, bit for bit, as a run that never stopped', async () => {
    const runDir = join(root, 'run-b');
    let steps = 0;
    const stopAfterThree: RunControl = { shouldStop: () => steps >= 3, waitWhilePaused: async () => undefined };
    const stopped = await train({ recipe, runDir, backend: 'cpu', control: stopAfterThree, onEvent: (e) => (steps += e.type === 'metrics' ? 1 : 0) });
    expect(stopped.cancelled).toBe(true);
    // Stopping wrote a checkpoint of the step it stopped after (sft step 1), so nothing is lost.
    expect(stopped.finalCheckpoint).toBe(join(runDir, 'checkpoints/sft-1'));
    const state = JSON.parse(readFileSync(join(runDir, 'state.json'), 'utf8')) as { stages: Record<string, { status: string; step: number }> };
    expect(state.stages).toMatchObject({ align: { status: 'done', step: 2 }, sft: { status: 'running', step: 1 } });

    const resumed: RunEvent[] = [];
    const result = await train({ recipe, runDir, backend: 'cpu', onEvent: (e) => resumed.push(e) });
    expect(result.cancelled).toBe(false);
    expect(metricsOf(resumed).map((e) => `${e.stage}-${e.step}`)).toEqual(['sft-2', 'sft-3', 'sft-4']);
    expect(weightFiles(result.finalCheckpoint)).toEqual(weightFiles(join(uninterrupted, 'checkpoints/sft-4')));
    const logged = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as MetricsEvent);
    expect(lossesOf(logged)).toEqual(lossesOf(metricsOf(events)));
  });

  it('checkpoints every checkpointEvery steps and at the end of each stage', () => {
    for (const c of ['align-2', 'sft-2', 'sft-4']) expect(existsSync(join(uninterrupted, 'checkpoints', c, 'trainer_state.json')), c).toBe(true);
    expect(existsSync(join(uninterrupted, 'checkpoints', 'sft-3'))).toBe(false);
    // Each stage event carries the whole pipeline's plan, for the window's overall progress (2 items a step).
    const plan = [{ stage: 'align', totalSteps: 2, samplesPerStep: 2 }, { stage: 'sft', totalSteps: 4, samplesPerStep: 2 }];
    expect(events.filter((e) => e.type === 'stage')).toEqual([
      { type: 'stage', stage: 'align', index: 1, of: 2, totalSteps: 2, plan },
      { type: 'stage', stage: 'sft', index: 2, of: 2, totalSteps: 4, plan },
    ]);
  });
});

describe('what trains and what does not', () => {
  it('leaves the encoder and the LM bit-identical through a projector-only stage', async () => {
    const initial = createPresetMllm('toy', { tokenizerFiles: readTokenizerFiles(world), tokenizerSource: world, seed: 3 });
    await saveMllm(initial, join(root, 'initial'));
    initial.dispose();
    const before = weightFiles(join(root, 'initial'));
    const after = weightFiles(join(uninterrupted, 'checkpoints/align-2'));
    expect(after['encoder/model.safetensors']).toEqual(before['encoder/model.safetensors']);
    expect(after['lm/model.safetensors']).toEqual(before['lm/model.safetensors']);
    expect(after['projector.safetensors']).not.toEqual(before['projector.safetensors']);
    // In the all-trainable stage, the encoder moves too (at its own LR).
    expect(weightFiles(join(uninterrupted, 'checkpoints/sft-4'))['encoder/model.safetensors']).not.toEqual(after['encoder/model.safetensors']);
    expect(metricsOf(events, 'sft')[1]!.values).toMatchObject({ learning_rate: 1e-3 * Math.cos(Math.PI / 8) ** 2, encoder_learning_rate: 2e-4 * Math.cos(Math.PI / 8) ** 2 });
  });

  it('runs the dpo branch after sft from the shared stages without training them again', async () => {
    const later: RunEvent[] = [];
    const result = await train({ recipe, objective: 'dpo', runDir: uninterrupted, backend: 'cpu', onEvent: (e) => later.push(e) });
    expect(metricsOf(later).map((e) => `${e.stage}-${e.step}`)).toEqual(['dpo-1']);
    // The reused stage counts in the plan with the steps it trained.
    expect(later.find((e) => e.type === 'stage')).toMatchObject({ stage: 'dpo', index: 2, of: 2, plan: [{ stage: 'align', totalSteps: 2 }, { stage: 'dpo', totalSteps: 1 }] });
    expect(metricsOf(later)[0]!.values.loss).toBeCloseTo(Math.LN2, 6);
    expect(later).toContainEqual({ type: 'log', level: 'info', message: 'Reusing stage align from checkpoints/align-2.' });
    expect(result.stages.map((s) => [s.name, s.steps])).toEqual([['align', 2], ['dpo', 1]]);
  });
});

describe('memory and divergence', () => {
  it('holds the same number of tensors after every step', () => {
    expect(tensorsAtStep).toHaveLength(6);
    expect(new Set(tensorsAtStep.slice(2)).size).toBe(1);
    expect(new Set(tensorsAtStep.slice(0, 2)).size).toBe(1);
  });

  it('stops on a non-finite loss, naming stage and step, and keeps the last good checkpoint', async () => {
    const exploding = writeRecipe(root, { data: { folder: world }, stages: [], branches: { sft: testStage({ maxSteps: 6, lr: 1e38, clipNorm: null, checkpointEvery: 1 }) } }, 'nan.json');
    const runDir = join(root, 'run-nan');
    const error = await train({ recipe: exploding, runDir, backend: 'cpu' }).catch((err: unknown) => err as Error);
    expect(error).toBeInstanceOf(Error);
    const match = /^Stage "sft", step (\d+): the (loss|gradient norm) is (NaN|Infinity|-Infinity)/.exec((error as Error).message);
    expect(match, (error as Error).message).not.toBeNull();
    const failedStep = Number(match![1]);
    expect(error).toMatchObject({ code: 'TRAINING_DIVERGED', details: { stage: 'sft', step: failedStep } });
    const state = JSON.parse(readFileSync(join(runDir, 'state.json'), 'utf8')) as { stages: { sft: { step: number; checkpoint: string } } };
    expect(state.stages.sft).toMatchObject({ step: failedStep - 1, checkpoint: `checkpoints/sft-${failedStep - 1}` });
    expect(existsSync(join(runDir, `checkpoints/sft-${failedStep}`))).toBe(false);
  });
});
