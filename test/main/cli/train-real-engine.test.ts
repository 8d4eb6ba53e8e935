// `pivot train` on the real engine (test/main/cli/train.test.ts runs it on the test double): a tiny recipe file (the
// `toy` model on 8 Shapes images, 3 + 2 steps, ~6 s) trains in an engine host, and the JSON it prints states the
// run as the workspace holds it: each stage's final loss is the last loss of metrics.jsonl, its checkpoint exists.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Workspace } from '../../../src-main/store/workspace';
import { tempDir } from '../../helpers/workspace';
import { startPivot } from './run-pivot';

const TINY_RECIPE = `name: tiny-cli
seed: 0
objective: sft
model: { preset: toy, featureLayer: -2 }
data:
  shapes: { count: 8, seed: 0, size: 32, difficulty: easy }
stages:
  - { name: align, kind: caption, trainable: [projector], lr: 1.0e-3, maxSteps: 3, batchSize: 2, warmupRatio: 0 }
branches:
  sft: { trainable: [projector], lr: 1.0e-3, maxSteps: 2, batchSize: 2, warmupRatio: 0 }
`;

describe('pivot train on the real engine', () => {
  it('prints each stage with the final loss and checkpoint the run wrote', async () => {
    const dir = tempDir('pivot-train-real-');
    const workspace = join(dir, 'workspace');
    const recipe = join(dir, 'tiny.yaml');
    writeFileSync(recipe, TINY_RECIPE);
    const { code, stdout, stderr } = await startPivot(['train', '--workspace', workspace, '--recipe', recipe, '--json']).done;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { runDir: string; backend: string; stages: Array<{ name: string; steps: number; finalLoss: number; checkpoint: string }> };
    const runDir = join(workspace, 'runs', '1');
    expect(result).toMatchObject({ runId: 1, status: 'completed', objective: 'sft', cancelled: false, runDir, finalCheckpoint: join(runDir, 'checkpoints', 'sft-2') });
    expect(result.backend).not.toBe('double');

    const metrics = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { stage: string; step: number; values: { loss: number } });
    expect(metrics.map((m) => `${m.stage}:${m.step}`)).toEqual(['align:1', 'align:2', 'align:3', 'sft:1', 'sft:2']);
    const lastLoss = (stage: string) => metrics.filter((m) => m.stage === stage).at(-1)!.values.loss;
    expect(result.stages).toEqual([
      { name: 'align', steps: 3, finalLoss: lastLoss('align'), checkpoint: join(runDir, 'checkpoints', 'align-3') },
      { name: 'sft', steps: 2, finalLoss: lastLoss('sft'), checkpoint: join(runDir, 'checkpoints', 'sft-2') },
    ]);
    for (const s of result.stages) expect(existsSync(join(s.checkpoint, 'mllm.json'))).toBe(true);
    const ws = Workspace.open(workspace);
    expect(ws.runs.get(1)).toMatchObject({ status: 'completed', objective: 'sft' });
    expect(ws.runs.metrics(1, 100).total).toBe(5);
    ws.close();
  }, 60_000);
});
