// A tiny sweep end to end (shapes-quick's model and stages, 24 images, a 2-point grid, one seed): the shared stages
// are trained once for both points, sweep.json holds every point and setting with finite numbers in [0, 1], and a
// second run over the same folder trains and measures nothing; each point's numbers are its own checkpoint's; a third
// with the rejection-kind axis added trains only the model-rejections point.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { MODEL_REJECTIONS_DIR } from '../../../../src-main/engine/eval/branch-rejections';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { firstImages, shapesWorldDataset } from '../../../../src-main/engine/probes/image-folder';
import { runSweep, type SweepProgress, type SweepReport } from '../../../../src-main/engine/sweep';
import { measureProbes, measureQa } from '../../../../src-main/engine/sweep/measure';
import { removeTemp, tempFolder } from '../train/helpers';
import { writeTinySweepRecipe } from './tiny-recipe';

const root = tempFolder('sweep');
afterAll(() => removeTemp(root));

const POINTS = ['sft-lr1e-3-steps3-s0', 'dpo-lr2e-4-b0.1-steps3-s0'];

describe('runSweep', () => {
  it('trains the shared stages once, measures every point and the base, and resumes by skipping finished points', async () => {
    const recipe = writeTinySweepRecipe(root);
    const out = join(root, 'out');
    const first: SweepProgress[] = [];
    await runSweep({ recipe, out, backend: 'wasm', probeSeeds: 2, probeImages: 20, onProgress: (p) => first.push(p) });

    // One checkpoint per shared stage, however many points use it; one per point.
    expect(readdirSync(join(out, 'run', 'checkpoints')).sort()).toEqual(['align-2', 'dpo-lr2e-4-b0.1-steps3-s0-3', 'instruct-3', 'sft-lr1e-3-steps3-s0-3']);
    const stages = first.flatMap((p) => (p.type === 'train' && p.event.type === 'stage' ? [`${p.name}:${p.event.stage}`] : []));
    expect(stages).toEqual([`${POINTS[0]}:align`, `${POINTS[0]}:instruct`, `${POINTS[0]}:${POINTS[0]}`, `${POINTS[1]}:${POINTS[1]}`]);
    expect(readdirSync(join(out, 'recipes')).sort()).toEqual(POINTS.map((p) => `${p}.json`).sort());
    expect(readdirSync(join(out, 'points')).sort()).toEqual(POINTS.map((p) => `${p}.json`).sort());

    const report = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as SweepReport;
    expect(report).toMatchObject({ version: 1, tool: 'pivot sweep', backend: 'wasm', probeSeeds: [0, 1], focusSamples: null, recipe: { name: 'tiny-sweep', source: recipe } });
    expect(report.base.stage).toBe('instruct');
    expect(report.base.checkpoint).toBe(join(out, 'run', 'checkpoints', 'instruct-3'));
    expect(report.points.map((p) => p.point.name)).toEqual(POINTS);
    expect(report.points.map((p) => p.checkpoint)).toEqual(POINTS.map((p) => join(out, 'run', 'checkpoints', `${p}-3`)));
    for (const p of report.points) {
      expect(Object.keys(p.metrics)).toEqual(['linear', 'segRecall', 'mIoU', 'qa']);
      for (const m of [p.metrics.linear!, p.metrics.segRecall!, p.metrics.mIoU!]) {
        expect(m.values).toHaveLength(2);
        expect(m.value).toBeGreaterThanOrEqual(0);
        expect(m.value).toBeLessThanOrEqual(1);
      }
      // QA accuracy: one 0/1 per held-out question, their mean, ± the binomial standard error.
      const qa = p.metrics.qa!;
      expect(qa.over).toBe('questions');
      expect(qa.values.length).toBeGreaterThan(0);
      expect(qa.value).toBeCloseTo(qa.values.reduce((a, b) => a + b, 0) / qa.values.length, 12);
      expect(qa.std).toBeCloseTo(Math.sqrt((qa.value * (1 - qa.value)) / qa.values.length), 12);
      expect(qa.protocol).toMatch(/^qa-accuracy\/candidate-ranking, \d+ (test|all) questions$/);
      expect(p.training.steps).toBe(3);
      expect(Number.isFinite(p.training.finalLoss)).toBe(true);
    }
    const dpo = report.points[1]!.training;
    expect(dpo.tailDpoAccuracy).toBeGreaterThanOrEqual(0);
    expect(dpo.tailDpoAccuracy).toBeLessThanOrEqual(1);
    expect(report.points[0]!.training.tailDpoAccuracy).toBeUndefined();
    expect(report.settings.map((s) => [s.setting, s.seeds, s.metrics.linear!.spread])).toEqual([
      ['sft-lr1e-3-steps3', [0], 'single'], ['dpo-lr2e-4-b0.1-steps3', [0], 'single'],
    ]);
    expect(report.settings[0]!.metrics.linear!.mean).toBe(report.points[0]!.metrics.linear!.value);
    expect(report.verdicts.map((v) => [v.metric, v.sftSetting, v.dpoSetting, v.delta?.verdict])).toEqual([
      ['linear', 'sft-lr1e-3-steps3', 'dpo-lr2e-4-b0.1-steps3', 'too few seeds'],
      ['segRecall', 'sft-lr1e-3-steps3', 'dpo-lr2e-4-b0.1-steps3', 'too few seeds'],
      ['mIoU', 'sft-lr1e-3-steps3', 'dpo-lr2e-4-b0.1-steps3', 'too few seeds'],
      ['qa', 'sft-lr1e-3-steps3', 'dpo-lr2e-4-b0.1-steps3', 'too few seeds'],
    ]);
    expect(report.base.metrics.qa!.over).toBe('questions');
    // Each point's numbers are its own checkpoint's (and the base's the base's): measuring that checkpoint directly
    // gives them, and the three checkpoints measure differently, so another checkpoint's numbers cannot pass. The
    // probes measured the world's first 20 of its 24 images (probeImages).
    const world = join(out, 'run', 'data');
    const dataset = firstImages(await shapesWorldDataset(world), 20);
    expect(dataset.imagesInFolder).toBe(24);
    expect(report.notes).toContain(`Probes: the first 20 images of the run's world (all, where it has fewer), each probe seed (0, 1) drawing its own 80/20 split, as \`pivot demo\` does; the MLLMs saw the non-test images in training, never their labels or masks.`);
    for (const [checkpoint, metrics] of [[report.base.checkpoint, report.base.metrics], ...report.points.map((p) => [p.checkpoint, p.metrics] as const)] as const) {
      const direct = await measureProbes(checkpoint, dataset, [0, 1]);
      direct.qa = await measureQa(checkpoint, world);
      expect(metrics, checkpoint).toEqual(direct);
    }
    expect(report.points[0]!.metrics).not.toEqual(report.base.metrics);
    expect(report.points[1]!.metrics).not.toEqual(report.base.metrics);
    expect(report.points[0]!.metrics).not.toEqual(report.points[1]!.metrics);
    for (const v of report.verdicts) expect(v.delta!.value).toBeCloseTo(v.cells.dpo!.mean - v.cells.sft!.mean, 12);
    const markdown = readFileSync(join(out, 'sweep.md'), 'utf8');
    expect(markdown).toContain('| base (instruct) |');
    expect(markdown).toContain('## Best DPO setting vs best SFT setting');
    // One branch seed per setting: findings without an interval, and what each probe can see at the base's splits.
    expect(report.findings.map((f) => [f.metric, f.dpoSetting, f.sftSetting, f.rejections, f.difference.verdict])).toEqual(
      ['linear', 'segRecall', 'mIoU', 'qa'].map((m) => [m, 'dpo-lr2e-4-b0.1-steps3', 'sft-lr1e-3-steps3', 'scripted', 'too few seeds']),
    );
    expect(report.reliability.map((r) => [r.label, r.testSize, r.unit])).toEqual([
      ['linear probe acc', report.base.metrics.linear!.testSize, 'images'],
      ['seg. macro recall', report.base.metrics.segRecall!.testSize, 'images'],
      ['QA accuracy (MLLM)', report.base.metrics.qa!.values.length, 'questions'],
    ]);
    expect(report.base.metrics.linear!.testSize).toBeGreaterThan(0);
    // Each setting against the base encoder it started from.
    expect(report.fromBase.filter((c) => c.metric === 'linear').map((c) => [c.setting, c.difference.mean, c.difference.verdict])).toEqual([
      ['sft-lr1e-3-steps3', report.points[0]!.metrics.linear!.value - report.base.metrics.linear!.value, 'too few seeds'],
      ['dpo-lr2e-4-b0.1-steps3', report.points[1]!.metrics.linear!.value - report.base.metrics.linear!.value, 'too few seeds'],
    ]);
    expect(markdown).toContain("## Findings: where DPO's encoder is better, equal or worse than SFT's");
    expect(markdown).toContain('### What each probe can see');

    const metricsBefore = readFileSync(join(out, 'run', 'metrics.jsonl'), 'utf8');
    const second: SweepProgress[] = [];
    const again = await runSweep({ recipe, out, backend: 'wasm', probeSeeds: 2, probeImages: 20, onProgress: (p) => second.push(p) });
    expect(second.map((p) => (p.type === 'train' ? 'train' : p.type === 'point' ? `${p.name}:${p.status}` : p.message))).toEqual([
      `${POINTS[0]}:skip`, `${POINTS[1]}:skip`, 'base encoder (instruct): measured already (base.json)',
    ]);
    expect(readFileSync(join(out, 'run', 'metrics.jsonl'), 'utf8')).toBe(metricsBefore);
    expect(again.points).toEqual(report.points);
    expect(again.settings.map((s) => s.metrics)).toEqual(report.settings.map((s) => s.metrics));

    // Both rejection kinds: the same folder resumed with the axis added trains only the new point, on the base
    // model's own wrong answers, and judges it against the same SFT setting.
    const withAxis = JSON.parse(readFileSync(recipe, 'utf8')) as { sweep: object };
    writeFileSync(recipe, JSON.stringify({ ...withAxis, sweep: { ...withAxis.sweep, rejections: ['scripted', 'model'] } }));
    const third: SweepProgress[] = [];
    const both = await runSweep({ recipe, out, backend: 'wasm', probeSeeds: 2, probeImages: 20, onProgress: (p) => third.push(p) });
    const own = 'dpo-lr2e-4-b0.1-steps3-model-s0';
    expect(third.flatMap((p) => (p.type === 'point' ? [`${p.name}:${p.status}`] : []))).toEqual([
      `${POINTS[0]}:skip`, `${POINTS[1]}:skip`, `${own}:train`, `${own}:measure`, `${own}:done`,
    ]);
    expect(readdirSync(join(out, 'run', MODEL_REJECTIONS_DIR))).toEqual([own]);
    expect(both.points.map((p) => [p.point.name, p.stage.rejections ?? 'scripted'])).toEqual([[POINTS[0], 'scripted'], [POINTS[1], 'scripted'], [own, 'model']]);
    expect(both.findings.filter((f) => f.metric === 'linear').map((f) => [f.dpoSetting, f.sftSetting, f.rejections])).toEqual([
      ['dpo-lr2e-4-b0.1-steps3', 'sft-lr1e-3-steps3', 'scripted'], ['dpo-lr2e-4-b0.1-steps3-model', 'sft-lr1e-3-steps3', 'model'],
    ]);
    expect(readFileSync(join(out, 'sweep.md'), 'utf8')).toContain("LR 2e-4, β 0.1, 3 steps, the base model's own wrong answers (dpo-lr2e-4-b0.1-steps3-model vs sft-lr1e-3-steps3:");
  }, 180_000);
});
