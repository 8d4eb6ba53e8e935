// From points to the verdict, on known numbers: each setting's mean ± std over branch seeds, the best SFT and DPO
// settings per metric, the 95 % interval over branch seeds the verdict follows, and the Markdown table that shows it.
import { describe, expect, it } from 'vitest';
import { sweepMarkdown, summariseSettings, verdicts, type PointResult, type SweepPoint, type SweepReport } from '../../../../src-main/engine/sweep';
import type { Stage } from '../../../../src-main/engine/train';
import { baseCells } from '../../../../src-main/engine/sweep/summary';
import { markdownTable } from '../../../../src-main/engine/sweep/markdown';

function point(setting: string, seed: number, linear: number, training: Partial<PointResult['training']> = {}): PointResult {
  const objective = setting.startsWith('dpo') ? 'dpo' : 'sft';
  const lr = Number(/lr([^-]+e-\d+)/.exec(setting)![1]);
  const p: SweepPoint = { setting, name: `${setting}-s${seed}`, seed, objective, lr, encoderLr: lr, ...(objective === 'dpo' ? { beta: 0.1, rejections: 'scripted' as const } : {}), length: { epochs: 3 } };
  return {
    point: p, stage: {} as Stage, recipeFile: '', checkpoint: '', measuredWith: { probeSeeds: [0, 1], focusSamples: null, qa: true },
    metrics: { linear: { value: linear, std: 0.01, over: 'probe seeds', values: [linear - 0.01, linear + 0.01], chance: 0.25, ceiling: 1, protocol: 'linear-probe/mean-pooled-l2' } },
    training: { steps: 10, finalLoss: 1, tailSteps: 1, tailLoss: 1, elapsedMs: 1, ...training },
    durationsMs: { train: 1, measure: 1 },
  };
}

const results = [
  point('sft-lr1e-4-e3', 0, 0.6), point('sft-lr1e-4-e3', 1, 0.7),
  point('sft-lr5e-5-e3', 0, 0.5), point('sft-lr5e-5-e3', 1, 0.5),
  point('dpo-lr2e-5-b0.1-e3', 0, 0.8, { tailDpoAccuracy: 0.75 }), point('dpo-lr2e-5-b0.1-e3', 1, 0.92, { tailDpoAccuracy: 0.25 }),
];

describe('sweep summary', () => {
  it('gives each setting the mean and sample std over its branch seeds', () => {
    const settings = summariseSettings(results);
    expect(settings.map((s) => [s.setting, s.points, s.seeds])).toEqual([
      ['sft-lr1e-4-e3', ['sft-lr1e-4-e3-s0', 'sft-lr1e-4-e3-s1'], [0, 1]],
      ['sft-lr5e-5-e3', ['sft-lr5e-5-e3-s0', 'sft-lr5e-5-e3-s1'], [0, 1]],
      ['dpo-lr2e-5-b0.1-e3', ['dpo-lr2e-5-b0.1-e3-s0', 'dpo-lr2e-5-b0.1-e3-s1'], [0, 1]],
    ]);
    const cell = settings[0]!.metrics.linear!;
    expect(cell.mean).toBeCloseTo(0.65, 12);
    expect(cell.std).toBeCloseTo(Math.sqrt(0.005), 12);
    expect(cell).toMatchObject({ spread: 'seeds', values: [0.6, 0.7], seeds: [0, 1], chance: 0.25, ceiling: 1 });
    expect(settings[2]!.training.tailDpoAccuracy!.mean).toBeCloseTo(0.5, 12);
    expect(settings[0]!.training.tailDpoAccuracy).toBeUndefined();
  });

  it('compares the best DPO setting with the best SFT setting by the 95 % interval over branch seeds', () => {
    const settings = summariseSettings(results);
    const [linear] = verdicts(settings, {});
    // Per branch seed DPO − SFT 0.2, 0.22: 0.21 ± t(0.975, 1) · 0.01414 / √2 = 0.21 ± 0.127, above 0.
    expect(linear).toMatchObject({ metric: 'linear', sftSetting: 'sft-lr1e-4-e3', dpoSetting: 'dpo-lr2e-5-b0.1-e3', delta: { verdict: 'DPO higher', method: 'paired t over seeds', n: 2 } });
    expect(linear!.delta!.value).toBeCloseTo(0.21, 12);
    expect(linear!.delta!.noise).toBeCloseTo(12.706204736174694 * 0.01, 9);
    // Per branch seed 0, 0.04: 0.02 ± 0.254, holding 0.
    const close = summariseSettings([...results.slice(0, 4), point('dpo-lr2e-5-b0.1-e3', 0, 0.6), point('dpo-lr2e-5-b0.1-e3', 1, 0.74)]);
    expect(verdicts(close, {})[0]!.delta).toMatchObject({ verdict: 'no difference detected', method: 'paired t over seeds' });
    // DPO on other branch seeds than SFT: nothing to pair, each side bootstrapped over its own seeds.
    const apart = summariseSettings([...results.slice(0, 4), point('dpo-lr2e-5-b0.1-e3', 2, 0.8), point('dpo-lr2e-5-b0.1-e3', 3, 0.92)]);
    expect(verdicts(apart, {})[0]!.delta).toMatchObject({ method: 'bootstrap over seeds', n: 2 });
    // One branch seed: no interval, so no claim.
    expect(verdicts(summariseSettings([results[0]!, results[4]!]), {})[0]!.delta!.verdict).toBe('too few seeds');
    // Only one objective swept: no delta.
    expect(verdicts(summariseSettings(results.slice(0, 2)), {})[0]).toMatchObject({ dpoSetting: null, delta: null });
  });

  it('writes the table: base, one row per setting, chance and ceiling, then the verdict', () => {
    const settings = summariseSettings(results);
    const baseMetrics = { linear: { value: 0.55, std: 0.02, over: 'probe seeds' as const, values: [0.53, 0.57], chance: 0.25, ceiling: 1, protocol: 'linear-probe/mean-pooled-l2' } };
    const report = {
      recipe: { name: 'toy-sweep', source: 'x' }, backend: 'cpu', grid: { seeds: [0, 1] }, probeSeeds: [0, 1], focusSamples: null,
      base: { stage: 'instruct', checkpoint: '', metrics: baseMetrics }, points: results, settings, verdicts: verdicts(settings, baseCells(baseMetrics)), notes: ['a note'], findings: [], reliability: [],
    } as unknown as SweepReport;
    const lines = sweepMarkdown(report).split('\n');
    const rows = lines.filter((l) => l.startsWith('| ') && !l.startsWith('| -')).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
    expect(rows[0]).toEqual(['objective', 'LR', 'β', 'length', 'rejected answers', 'seeds', 'linear probe acc', 'loss (last 10 %)', 'DPO acc (last 10 %)']);
    expect(rows.slice(1, 7)).toEqual([
      ['base (instruct)', '', '', '', '', '', '0.550 ± 0.020', '', ''],
      ['sft', '1e-4', '–', '3 epochs', '–', '2', '0.650 ± 0.071', '1.000 ± 0.000', '–'],
      ['sft', '5e-5', '–', '3 epochs', '–', '2', '0.500 ± 0.000', '1.000 ± 0.000', '–'], // the two branch seeds agree
      ['dpo', '2e-5', '0.1', '3 epochs', 'scripted', '2', '0.860 ± 0.085', '1.000 ± 0.000', '0.500 ± 0.354'],
      ['chance', '', '', '', '', '', '0.250', '', ''],
      ['ceiling', '', '', '', '', '', '1.000', '', ''],
    ]);
    expect(rows[7]).toEqual(['metric', 'best SFT setting', 'SFT', 'best DPO setting', 'DPO', 'DPO − SFT [95 % interval]', 'verdict', 'interval']);
    expect(rows[8]).toEqual(['linear probe acc', 'sft-lr1e-4-e3', '0.650 ± 0.071', 'dpo-lr2e-5-b0.1-e3', '0.860 ± 0.085', '+0.210 [+0.083, +0.337]', 'DPO higher', 'paired t over seeds, n 2']);
    expect(lines).toContain('- a note');
  });

  it('pads Markdown columns, right-aligning the numbers', () => {
    expect(markdownTable(['a', 'num'], [['long text', '1.5']], [false, true])).toBe(
      '| a         | num |\n| --------- | --: |\n| long text | 1.5 |',
    );
  });
});
