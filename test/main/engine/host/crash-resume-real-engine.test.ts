// A real crash on the real engine: its host is killed with SIGKILL mid-stage, after a checkpoint and with steps
// trained past it; training the run folder on retrains those steps and ends exactly where a run that never crashed
// ends — the same losses step by step (metrics.jsonl holding each step once) and bit-identical weights.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { train } from '../../../../src-main/engine/train';
import type { RunEvent } from '../../../../src-main/engine/train/api';
import { startEngineJob } from '../../../../src-main/engine-jobs/engine-job';
import { forkEngineHost } from '../../../../src-main/engine-jobs/fork';
import { tempDir } from '../../../helpers/workspace';
import { metricsOf, weightFiles, type MetricsEvent } from '../train/helpers';

const TINY_RECIPE = `name: tiny-crash
seed: 0
objective: sft
model: { preset: toy, featureLayer: -2 }
data:
  shapes: { count: 8, seed: 0, size: 32, difficulty: easy }
stages:
  - { name: align, kind: caption, trainable: [projector], lr: 1.0e-3, maxSteps: 12, batchSize: 2, warmupRatio: 0, checkpointEvery: 4 }
branches:
  sft: { trainable: [projector], lr: 1.0e-3, maxSteps: 1, batchSize: 2, warmupRatio: 0 }
`;

const lossesOf = (list: readonly MetricsEvent[]) => list.map((e) => [e.stage, e.step, e.values.loss]);
const logged = (runDir: string) => readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as MetricsEvent);

describe('resume after the engine host is killed', () => {
  it('retrains the steps past the last checkpoint and ends as a run that never crashed', async () => {
    const dir = tempDir('pivot-crash-');
    const recipe = join(dir, 'tiny.yaml');
    writeFileSync(recipe, TINY_RECIPE);
    const runDir = join(dir, 'crashed');
    const before: MetricsEvent[] = [];
    const job = startEngineJob(() => forkEngineHost(), 'train', { recipe, runDir, backend: 'wasm' }, {
      onProgress: (e: RunEvent) => {
        if (e.type !== 'metrics') return;
        before.push(e);
        // Two steps past the checkpoint of step 4: killed with no chance to save them.
        if (e.step === 6) process.kill(job.pid!, 'SIGKILL');
      },
      during: 'before the run finished',
    });
    expect(await job.ended).toMatchObject({ type: 'crashed' });
    expect(before.map((e) => e.step).slice(0, 6)).toEqual([1, 2, 3, 4, 5, 6]);

    const resumed: RunEvent[] = [];
    const result = await train({ recipe, runDir, backend: 'wasm', onEvent: (e) => resumed.push(e) });
    const uninterrupted: RunEvent[] = [];
    const clean = await train({ recipe, runDir: join(dir, 'clean'), backend: 'wasm', onEvent: (e) => uninterrupted.push(e) });

    expect(metricsOf(resumed).map((e) => `${e.stage}:${e.step}`)).toEqual([5, 6, 7, 8, 9, 10, 11, 12].map((s) => `align:${s}`).concat('sft:1'));
    expect(lossesOf(metricsOf(resumed))).toEqual(lossesOf(metricsOf(uninterrupted)).slice(4));
    expect(lossesOf(logged(runDir))).toEqual(lossesOf(logged(join(dir, 'clean'))));
    expect(weightFiles(result.finalCheckpoint)).toEqual(weightFiles(clean.finalCheckpoint));
  }, 60_000);
});
