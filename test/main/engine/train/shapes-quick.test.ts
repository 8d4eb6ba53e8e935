// The built-in `shapes-quick` recipe end to end on the default backend: a 40-image Shapes world made for the run,
// align → instruct → sft, the SFT loss going down, and a final checkpoint that loads as an MLLM.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeShapesWorld } from '../../../../src-main/engine/data/shapes';
import { loadMllm } from '../../../../src-main/engine/models/mllm';
import { train } from '../../../../src-main/engine/train';
import type { RunEvent } from '../../../../src-main/engine/train/api';
import { metricsOf, removeTemp, tempFolder } from './helpers';

const root = tempFolder('quick');
afterAll(() => removeTemp(root));

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('shapes-quick', () => {
  it('trains align → instruct → sft on a 40-image world, and the SFT loss decreases', async () => {
    const runDir = join(root, 'run');
    const events: RunEvent[] = [];
    const result = await train({ recipe: 'shapes-quick', runDir, backend: 'wasm', onEvent: (e) => events.push(e) });
    expect(result).toMatchObject({ backend: 'wasm', objective: 'sft', cancelled: false, finalCheckpoint: join(runDir, 'checkpoints/sft-8') });
    expect(result.stages.map((s) => [s.name, s.steps])).toEqual([['align', 3], ['instruct', 6], ['sft', 8]]);
    expect(readFileSync(join(runDir, 'data/world.json'), 'utf8')).toContain('"count": 40');

    const sft = metricsOf(events, 'sft').map((e) => e.values.loss!);
    expect(mean(sft.slice(-3))).toBeLessThan(mean(sft.slice(0, 3)));
    expect(sft.at(-1)).toBeLessThan(metricsOf(events, 'instruct')[0]!.values.loss!);
    expect(readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(17);

    const model = await loadMllm(result.finalCheckpoint);
    expect(model.imageTokenCount).toBe(16);
    model.dispose();
  });
});

describe('a dataset without captions (pairs exported from a workspace)', () => {
  it('aligns on each pair’s question and chosen answer, and says so in the log', async () => {
    const world = join(root, 'world');
    await writeShapesWorld({ out: world, count: 12, seed: 2, size: 32, difficulty: 'easy' });
    rmSync(join(world, 'captions.jsonl'));
    const events: RunEvent[] = [];
    const result = await train({ recipe: 'shapes-quick', runDir: join(root, 'no-captions'), data: world, backend: 'wasm', onEvent: (e) => events.push(e) });
    expect(result.stages.map((s) => s.name)).toEqual(['align', 'instruct', 'sft']);
    expect(events).toContainEqual({
      type: 'log',
      level: 'warn',
      message: `${world} has no captions.jsonl: the caption stages align on each pair's question and chosen answer instead.`,
    });
    expect(metricsOf(events, 'align')).toHaveLength(3);
  });
});
