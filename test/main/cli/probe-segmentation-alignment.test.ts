// `pivot probe segmentation` and `pivot probe alignment` as a user runs them, on a toy checkpoint and a tiny Shapes
// world: the sentence each prints states the same numbers as its --json object (run twice: the probes are seeded).
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/engine/backend/select';
import { formatNumber } from '../../../src-main/engine/study/table';
import { saveToyModel, writeProbeWorld } from '../../helpers/toy-model';
import { tempDir } from '../../helpers/workspace';
import { startPivot } from './run-pivot';

const root = tempDir('pivot-probe-seg-align-');
const checkpoint = join(root, 'checkpoints', 'sft-8');
const world = join(root, 'data');

beforeAll(async () => {
  await selectBackend('cpu');
  await saveToyModel(8, { checkpoint });
  await writeProbeWorld(world);
});

/** Runs `pivot probe <kind>` on the toy encoder as text and as --json; both must succeed with nothing on stderr. */
async function probeTwice(kind: string): Promise<{ text: string; json: Record<string, unknown> }> {
  const args = ['probe', kind, '--encoder', join(checkpoint, 'encoder'), '--data', world, '--seeds', '1', '--backend', 'cpu'];
  const [text, json] = await Promise.all([startPivot(args).done, startPivot([...args, '--json']).done]);
  for (const run of [text, json]) {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  }
  return { text: text.stdout, json: JSON.parse(json.stdout) as Record<string, unknown> };
}

type Spread = { mean: number; std: number };
const fmt = (x: Spread): string => `${formatNumber(x.mean)} ± ${formatNumber(x.std)}`;

describe('pivot probe segmentation and alignment', () => {
  it('segmentation prints the macro recall and mIoU of its --json object', async () => {
    const { text, json } = await probeTwice('segmentation');
    const r = json as { protocol: string; macroRecall: Spread; mIoU: Spread; chance: { macroRecall: number; mIoU: number }; ceiling: { mIoU: number } };
    expect(json.probe).toBe('segmentation');
    expect(r.macroRecall.mean).toBeGreaterThanOrEqual(0);
    expect(r.macroRecall.mean).toBeLessThanOrEqual(1);
    expect(text).toBe(
      `Segmentation probe (${r.protocol}), 1 seeds: macro recall ${fmt(r.macroRecall)} (chance ${formatNumber(r.chance.macroRecall)}), ` +
        `mIoU ${fmt(r.mIoU)} (chance ${formatNumber(r.chance.mIoU)}, ceiling ${formatNumber(r.ceiling.mIoU)}).\n`,
    );
  }, 60_000);

  it('alignment prints the best layer pair and score of its --json object', async () => {
    const { text, json } = await probeTwice('alignment');
    const r = json as { protocol: string; k: number; samples: number; max: { score: number; visionLayer: number; lmLayer: number } };
    expect(r.protocol).toBe(`mutual-knn/k${r.k}/max-over-layer-pairs`);
    expect(r.max.score).toBeGreaterThanOrEqual(0);
    expect(r.max.score).toBeLessThanOrEqual(1);
    expect(text).toBe(
      `Alignment (mutual k-NN, k = ${r.k}) over ${r.samples} images: max ${formatNumber(r.max.score)} at vision block ${r.max.visionLayer + 1} × ` +
        `LM hidden state ${r.max.lmLayer} (chance ≈ ${formatNumber(r.k / (r.samples - 1))}).\n`,
    );
  }, 60_000);
});
