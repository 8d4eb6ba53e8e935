// sweep.md's Findings on a synthetic sweep: known per-seed scores (intervals from Python's statistics and
// scipy.stats.t) → the exact lines saying where DPO's encoder is better, equal or worse than SFT's, "no setting
// found" where none is, and what each probe can see.
import { describe, expect, it } from 'vitest';
import { changesFromBase } from '../../../../src-main/engine/sweep/base-changes';
import { findingsMarkdown, summariseSettings, sweepFindings, sweepMarkdown, sweepReliability, type PointResult, type SweepPoint, type SweepReport } from '../../../../src-main/engine/sweep';
import type { Stage } from '../../../../src-main/engine/train';

/** One point: its setting's name encodes objective, LR, β, epochs and (`-model`) the base model's own rejections; linear and seg. recall as given. */
function point(setting: string, seed: number, linear: number, segRecall: number): PointResult {
  const objective = setting.startsWith('dpo') ? 'dpo' : 'sft';
  const lr = Number(/lr([^-]+e-\d+)/.exec(setting)![1]);
  const epochs = Number(/-e(\d+)(-model)?$/.exec(setting)![1]);
  const dpo = { beta: 0.1, rejections: setting.endsWith('-model') ? 'model' as const : 'scripted' as const };
  const p: SweepPoint = { setting, name: `${setting}-s${seed}`, seed, objective, lr, encoderLr: lr, ...(objective === 'dpo' ? dpo : {}), length: { epochs } };
  const measured = (value: number) => ({ value, std: 0.01, over: 'probe seeds' as const, values: [value - 0.01, value + 0.01], chance: 0.1, ceiling: 1, protocol: 'p' });
  return {
    point: p, stage: {} as Stage, recipeFile: '', checkpoint: '', measuredWith: { probeSeeds: [0, 1], focusSamples: null, qa: false },
    metrics: { linear: measured(linear), segRecall: measured(segRecall) },
    training: { steps: 10, finalLoss: 1, tailSteps: 1, tailLoss: 1, elapsedMs: 1 },
    durationsMs: { train: 1, measure: 1 },
  };
}

const seeds = [0, 1, 2, 3, 4];
const series = (setting: string, linear: number[], seg: number[]) => seeds.map((s) => point(setting, s, linear[s] as number, seg[s] as number));
const results = [
  ...series('sft-lr1e-4-e3', [0.2, 0.22, 0.21, 0.19, 0.23], [0.5, 0.52, 0.51, 0.49, 0.53]),
  ...series('dpo-lr2e-5-b0.1-e3-model', [0.23, 0.26, 0.26, 0.21, 0.29], [0.51, 0.53, 0.5, 0.5, 0.52]),
  ...series('dpo-lr1e-5-b0.1-e3', [0.21, 0.25, 0.19, 0.24, 0.23], [0.51, 0.52, 0.52, 0.48, 0.53]),
  ...series('dpo-lr5e-6-b0.1-e3-model', [0.15, 0.18, 0.16, 0.14, 0.17], [0.52, 0.51, 0.5, 0.5, 0.54]),
  point('dpo-lr3e-6-b0.1-e3-model', 0, 0.3, 0.6),
  // No SFT setting trains 1 epoch: nothing to pair it with.
  point('dpo-lr2e-5-b0.1-e1', 0, 0.9, 0.9), point('dpo-lr2e-5-b0.1-e1', 1, 0.9, 0.9),
];

describe('sweep findings', () => {
  it('pairs each DPO setting, of either rejection kind, with the SFT setting of its length by branch seed, and says where DPO is better, equal or worse', () => {
    const text = findingsMarkdown(sweepFindings(summariseSettings(results)), []);
    const lines = text.split('\n').filter((l) => l.startsWith('- ') || l.startsWith('  - '));
    const own = "the base model's own wrong answers";
    const scripted = 'scripted rejections';
    expect(lines).toEqual([
      '- **linear probe acc**',
      `  - DPO's encoder better: LR 2e-5, β 0.1, 3 epochs, ${own} (dpo-lr2e-5-b0.1-e3-model vs sft-lr1e-4-e3: +0.040 [+0.020, +0.060], d_z 2.53 (paired t over seeds, n 5))`,
      `  - no difference detected: LR 1e-5, β 0.1, 3 epochs, ${scripted} (dpo-lr1e-5-b0.1-e3 vs sft-lr1e-4-e3: +0.014 [−0.020, +0.048], d_z 0.52 (paired t over seeds, n 5))`,
      `  - DPO's encoder worse: LR 5e-6, β 0.1, 3 epochs, ${own} (dpo-lr5e-6-b0.1-e3-model vs sft-lr1e-4-e3: −0.050 [−0.059, −0.041], d_z −7.07 (paired t over seeds, n 5))`,
      `  - not judged (fewer than two branch seeds): LR 3e-6, β 0.1, 3 epochs, ${own} (dpo-lr3e-6-b0.1-e3-model vs sft-lr1e-4-e3: +0.090 (1 seed: no interval))`,
      '- **seg. macro recall**',
      "  - DPO's encoder better: no setting found",
      `  - no difference detected: LR 2e-5, β 0.1, 3 epochs, ${own} (dpo-lr2e-5-b0.1-e3-model vs sft-lr1e-4-e3: +0.002 [−0.012, +0.016], d_z 0.18 (paired t over seeds, n 5)); ` +
        `LR 1e-5, β 0.1, 3 epochs, ${scripted} (dpo-lr1e-5-b0.1-e3 vs sft-lr1e-4-e3: +0.002 [−0.008, +0.012], d_z 0.24 (paired t over seeds, n 5)); ` +
        `LR 5e-6, β 0.1, 3 epochs, ${own} (dpo-lr5e-6-b0.1-e3-model vs sft-lr1e-4-e3: +0.004 [−0.013, +0.021], d_z 0.30 (paired t over seeds, n 5))`,
      "  - DPO's encoder worse: no setting found",
      `  - not judged (fewer than two branch seeds): LR 3e-6, β 0.1, 3 epochs, ${own} (dpo-lr3e-6-b0.1-e3-model vs sft-lr1e-4-e3: +0.090 (1 seed: no interval))`,
    ]);
    expect(text).toContain('How the defaults were chosen: ');
  });

  it('says "no setting found" when the sweep has nothing to compare', () => {
    expect(findingsMarkdown(sweepFindings(summariseSettings(results.slice(0, 5))), [])).toContain(
      'No setting found: the sweep holds no DPO and SFT settings of the same length measured on the same metric.',
    );
  });

  it('states what each probe can see, from the base encoder\'s scores and split sizes, in sweep.md', () => {
    const base = {
      linear: { value: 0.2, std: 0.01, over: 'probe seeds' as const, values: [0.2], chance: 0.1, ceiling: 1, protocol: 'p', testSize: 200, trainSize: 600 },
      qa: { value: 0.5, std: 0.05, over: 'questions' as const, values: [1, 0], chance: 0.2, ceiling: 1, protocol: 'q', testSize: 40, trainSize: null },
    };
    const reliability = sweepReliability(base);
    const settings = summariseSettings(results);
    const report = {
      recipe: { name: 'toy-sweep', source: 'x' }, backend: 'cpu', grid: { seeds }, probeSeeds: [0, 1], focusSamples: null,
      base: { stage: 'instruct', checkpoint: '', metrics: base }, points: results, settings, verdicts: [], notes: [],
      findings: sweepFindings(settings), reliability, fromBase: changesFromBase(settings, base),
    } as unknown as SweepReport;
    const md = sweepMarkdown(report);
    expect(md).toContain("## Findings: where DPO's encoder is better, equal or worse than SFT's");
    expect(md).toContain('- linear probe acc: 200 test images (fitted on 600) (one = 0.005) at 0.200 → smallest detectable difference 0.112');
    expect(md).toContain('- QA accuracy (MLLM): 40 test questions (one = 0.025) at 0.500 → smallest detectable difference 0.313');
    expect(md).toContain("LR 2e-5, β 0.1, 3 epochs, the base model's own wrong answers (dpo-lr2e-5-b0.1-e3-model vs sft-lr1e-4-e3: +0.040");
    expect(md).toContain('LR 1e-5, β 0.1, 3 epochs, scripted rejections (dpo-lr1e-5-b0.1-e3 vs sft-lr1e-4-e3: +0.014');
    // Each setting against the base encoder (linear 0.2 held fixed): SFT's per-seed changes 0, +0.02, +0.01, −0.01, +0.03
    // (mean 0.010, std 0.0158, t(4) 2.776), the first DPO setting's +0.03, +0.06, +0.06, +0.01, +0.09 (0.050, 0.0308).
    expect(md).toContain(
      '  - change from the base encoder (its score held fixed): sft-lr1e-4-e3 +0.010 [−0.010, +0.030], d_z 0.63 (paired t over seeds, n 5); ' +
        'dpo-lr2e-5-b0.1-e3-model +0.050 [+0.012, +0.088], d_z 1.62 (paired t over seeds, n 5); ',
    );
    // The table says per setting where its rejected answers came from.
    const rows = md.split('\n').filter((l) => /^\| (sft|dpo) /.test(l)).map((l) => l.split('|').slice(1, 7).map((c) => c.trim()));
    expect(rows.slice(0, 3)).toEqual([
      ['sft', '1e-4', '–', '3 epochs', '–', '5'],
      ['dpo', '2e-5', '0.1', '3 epochs', "base model's own", '5'],
      ['dpo', '1e-5', '0.1', '3 epochs', 'scripted', '5'],
    ]);
  });
});
