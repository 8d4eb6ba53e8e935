// A sweep's points/<name>.json read back: what was written comes back (a NaN, written as null, as NaN), a file that
// does not fit is INVALID_DATA naming the file and the field, and one trained with other stage settings is refused.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SweepPoint } from '../../../../src-main/engine/sweep/grid';
import { pointFile, readPointResult, writePointResult, type PointResult } from '../../../../src-main/engine/sweep/point-result';
import { measuredAlike } from '../../../../src-main/engine/sweep/result-files';
import { loadRecipe, pipelineFor } from '../../../../src-main/engine/train/recipe';
import { tempDir } from '../../../helpers/workspace';

const point: SweepPoint = { setting: 'sft-lr1e-3-steps3', objective: 'sft', lr: 1e-3, encoderLr: 1e-3, length: { maxSteps: 3 }, name: 'sft-lr1e-3-steps3-s0', seed: 0 };
const stage = { ...pipelineFor(loadRecipe('shapes-quick'), 'sft').at(-1)!, name: point.name };

/** A sweep's output folder with its points/ folder, as runSweep makes it. */
function sweepFolder(): string {
  const out = tempDir('pivot-sweep-point-');
  mkdirSync(join(out, 'points'));
  return out;
}

const result: PointResult = {
  point,
  stage,
  recipeFile: '/sweep/recipes/sft-lr1e-3-steps3-s0.json',
  checkpoint: '/sweep/run/checkpoints/sft-lr1e-3-steps3-s0-3',
  metrics: { linear: { value: 0.5, std: Number.NaN, over: 'probe seeds', values: [0.5], chance: 0.25, ceiling: null, protocol: 'linear' } },
  measuredWith: { probeSeeds: [0], focusSamples: null, qa: true },
  training: { steps: 3, finalLoss: 1.5, tailSteps: 1, tailLoss: 1.5, elapsedMs: 12 },
  durationsMs: { train: 100, measure: 50 },
};

describe('readPointResult', () => {
  it('reads back what was written, a non-finite number as NaN', async () => {
    const out = sweepFolder();
    expect(readPointResult(out, point, stage)).toBeNull();
    await writePointResult(out, result);
    expect(readPointResult(out, point, stage)).toEqual(result);
  });

  it('refuses a file that does not fit as INVALID_DATA naming the file and the field', () => {
    const out = sweepFolder();
    const file = pointFile(out, point.name);
    writeFileSync(file, JSON.stringify({ ...result, measuredWith: { probeSeeds: 'all', focusSamples: null, qa: true } }));
    expect(() => readPointResult(out, point, stage)).toThrow(expect.objectContaining({
      code: 'INVALID_DATA',
      message: expect.stringMatching(new RegExp(`^${file}: field "measuredWith\\.probeSeeds" `)) as unknown,
      details: { file, field: 'measuredWith.probeSeeds' },
    }));
    writeFileSync(file, '{"point": ');
    expect(() => readPointResult(out, point, stage)).toThrow(expect.objectContaining({ code: 'INVALID_DATA', details: { file } }));
  });

  it('refuses a point measured with other stage settings as INVALID_CONFIG', async () => {
    const out = sweepFolder();
    await writePointResult(out, { ...result, stage: { ...stage, batchSize: stage.batchSize + 1 } });
    expect(() => readPointResult(out, point, stage)).toThrow(expect.objectContaining({
      code: 'INVALID_CONFIG',
      details: { file: pointFile(out, point.name), stage: point.name },
    }));
  });
});

describe('measuredAlike', () => {
  it('compares what a result was measured with field by field, not by the order its file lists them', () => {
    const now = { probeSeeds: [0, 1, 2], focusSamples: null, probeImages: 2000, qa: true };
    const reordered = JSON.parse('{"qa":true,"probeImages":2000,"focusSamples":null,"probeSeeds":[0,1,2]}') as typeof now;
    expect(measuredAlike(reordered, now)).toBe(true);
    // A base result holds its metrics beside them.
    expect(measuredAlike({ ...now, checkpoint: '/x', metrics: {} } as typeof now, now)).toBe(true);
    expect(measuredAlike({ ...now, probeSeeds: [0, 1] }, now)).toBe(false);
    expect(measuredAlike({ ...now, probeSeeds: [0, 2, 1] }, now)).toBe(false);
    expect(measuredAlike({ ...now, probeImages: undefined }, now)).toBe(false);
    expect(measuredAlike({ ...now, focusSamples: 32 }, now)).toBe(false);
    expect(measuredAlike({ ...now, qa: false }, now)).toBe(false);
  });
});
