// Pause and resume on the real engine (not the test double) in a forked engine host: a tiny recipe file (the `toy`
// model on 8 Shapes images, wasm) is paused mid-stage, acknowledged as paused, takes no step while paused, and after
// resume trains every step once to completion.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../../src-main/engine/train/api';
import { startEngineJob } from '../../../../src-main/engine-jobs/engine-job';
import { forkEngineHost } from '../../../../src-main/engine-jobs/fork';
import { until } from '../../../helpers/training';
import { tempDir } from '../../../helpers/workspace';

const TINY_RECIPE = `name: tiny-pause
seed: 0
objective: sft
model: { preset: toy, featureLayer: -2 }
data:
  shapes: { count: 8, seed: 0, size: 32, difficulty: easy }
stages:
  - { name: align, kind: caption, trainable: [projector], lr: 1.0e-3, maxSteps: 12, batchSize: 2, warmupRatio: 0 }
branches:
  sft: { trainable: [projector], lr: 1.0e-3, maxSteps: 1, batchSize: 2, warmupRatio: 0 }
`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('pause on the real engine', () => {
  it('acknowledges the pause, takes no step while paused, and after resume trains every step once to completion', async () => {
    const dir = tempDir('pivot-pause-');
    const recipe = join(dir, 'tiny.yaml');
    writeFileSync(recipe, TINY_RECIPE);
    const steps: string[] = [];
    const states: string[] = [];
    const job = startEngineJob(() => forkEngineHost(), 'train', { recipe, runDir: join(dir, 'run'), backend: 'wasm' }, {
      onProgress: (e: RunEvent) => {
        if (e.type === 'metrics') steps.push(`${e.stage}:${e.step}`);
      },
      onState: (state) => states.push(state),
      during: 'before the run finished',
    });
    await until(() => steps.length >= 2, 'two steps', 25_000);
    job.pause();
    await until(() => states.includes('paused'), 'the pause acknowledgement');
    // A step under way when the pause arrived may still finish (a step takes ~0.1 s here); after that, nothing moves.
    await sleep(800);
    const held = steps.length;
    expect(held).toBeLessThan(12);
    await sleep(800);
    expect(steps).toHaveLength(held);
    job.resume();
    await until(() => states.includes('running'), 'the resume acknowledgement');
    const end = await job.ended;
    expect(end).toMatchObject({ type: 'done', result: { cancelled: false, stages: [{ name: 'align', steps: 12 }, { name: 'sft', steps: 1 }] } });
    expect(steps).toEqual([...Array.from({ length: 12 }, (_, i) => `align:${i + 1}`), 'sft:1']);
    expect(states).toEqual(['paused', 'running']);
  }, 60_000);
});
