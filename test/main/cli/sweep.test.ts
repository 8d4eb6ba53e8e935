// `pivot sweep` as a user runs it: a tiny 2-point sweep prints which point and which step it is at, then the table;
// run again over the same folder it skips both points, and --json prints one object; mistakes exit 1 with a reason.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src-main/cli/main';
import { removeTemp, tempFolder } from '../engine/train/helpers';
import { writeTinySweepRecipe } from '../engine/sweep/tiny-recipe';
import { startPivot } from './run-pivot';

const root = tempFolder('sweep-cli');
afterAll(() => removeTemp(root));

describe('pivot sweep', () => {
  it('is registered with its options', () => {
    const sweep = buildProgram().commands.find((c) => c.name() === 'sweep')!;
    expect(sweep.options.map((o) => o.long)).toEqual(['--recipe', '--out', '--backend', '--threads', '--probe-seeds', '--probe-images', '--focus', '--json']);
  });

  it('runs a sweep with progress lines and the table, then resumes it as JSON without training', async () => {
    const recipe = writeTinySweepRecipe(root);
    const out = join(root, 'out');
    const args = ['sweep', '--recipe', recipe, '--out', out, '--backend', 'wasm', '--probe-seeds', '2'];
    const first = await startPivot(args).done;
    expect(first.code).toBe(0);
    const progress = first.stderr.split('\n');
    expect(progress).toContain('[1/2] sft-lr1e-3-steps3-s0: training');
    expect(progress).toContain('[1/2] sft-lr1e-3-steps3-s0: stage align (1/3), 2 steps');
    expect(first.stderr).toMatch(/^\[1\/2\] sft-lr1e-3-steps3-s0: step 3\/3, loss \d+\.\d{3}$/m);
    expect(progress).toContain('[2/2] Reusing stage instruct from checkpoints/instruct-3.');
    expect(progress).toContain('[2/2] dpo-lr2e-4-b0.1-steps3-s0: stage dpo-lr2e-4-b0.1-steps3-s0 (3/3), 3 steps');
    expect(progress).toContain('[2/2] dpo-lr2e-4-b0.1-steps3-s0: measuring the encoder');
    expect(progress).toContain('base encoder (instruct): measuring');
    expect(first.stdout).toContain('# Sweep tiny-sweep: where does DPO\'s encoder beat SFT\'s?');
    expect(first.stdout).toMatch(/\| sft +\| +1e-3 \| +– \| 3 steps +\| – +\| +1 \| +0\.\d{3} \|/);
    expect(first.stdout).toMatch(/\| dpo +\| +2e-4 \| +0\.1 \| 3 steps +\| scripted +\| +1 \| +0\.\d{3} \|/);
    expect(first.stdout).toContain(`Sweep: ${join(out, 'sweep.md')}`);

    const again = await startPivot([...args, '--json']).done;
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    const lines = again.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const summary = JSON.parse(lines[0]!) as {
      points: number; files: { json: string };
      settings: { setting: string; metrics: Record<string, { mean: number; n: number }> }[];
      verdicts: { metric: string; delta: { verdict: string; method: string; n: number; low: number | null } }[];
      durationsMs: { total: number };
    };
    expect(summary.points).toBe(2);
    expect(summary.files.json).toBe(join(out, 'sweep.json'));
    expect(summary.settings.map((s) => s.setting)).toEqual(['sft-lr1e-3-steps3', 'dpo-lr2e-4-b0.1-steps3']);
    expect(summary.settings[0]!.metrics.linear!.n).toBe(1);
    expect(summary.verdicts.map((v) => [v.metric, v.delta.verdict])).toEqual([
      ['linear', 'too few seeds'], ['segRecall', 'too few seeds'], ['mIoU', 'too few seeds'], ['qa', 'too few seeds'],
    ]);
    // Paired by the one branch seed both settings share, with no interval to give (NaN written as null).
    expect(summary.verdicts[0]!.delta).toMatchObject({ method: 'paired t over seeds', n: 1, low: null });
    // Nothing trained or measured: only reading and writing the summary.
    expect(summary.durationsMs.total).toBeLessThan(5000);
  }, 240_000);

  it('refuses a recipe without a sweep block and a bad option, saying why', async () => {
    const noSweep = await startPivot(['sweep', '--recipe', 'shapes-quick', '--out', join(root, 'none')]).done;
    expect(noSweep.code).toBe(64);
    expect(noSweep.stderr).toMatch(/^pivot: .*shapes-quick\.yaml has no "sweep" block; add one \(resources\/recipes\/shapes-sweep\.yaml shows every field\) or train it with pivot train\.\n$/);
    const seeds = await startPivot(['sweep', '--recipe', 'shapes-sweep', '--out', join(root, 'none'), '--probe-seeds', '0']).done;
    expect(seeds.code).toBe(64);
    expect(seeds.stderr).toContain('--probe-seeds must be a positive integer, got "0".');
  }, 60_000);
});
