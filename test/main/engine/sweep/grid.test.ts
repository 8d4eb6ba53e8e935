// The sweep block of a recipe: its grid expands to exactly the points (and stage names) it says, every mistake is
// an error naming the file and the field, and each point's derived recipe keeps the shared stages bit-for-bit.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pointRecipe, sweepPoints } from '../../../../src-main/engine/sweep';
import { listRecipes } from '../../../../src-main/runs/recipes';
import { builtInRecipeNames, loadRecipe, parseRecipe } from '../../../../src-main/engine/train/recipe';

const dir = mkdtempSync(join(tmpdir(), 'pivot-sweep-grid-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const minimal = {
  model: { preset: 'toy' },
  data: { folder: 'world' },
  stages: [{ name: 'align', kind: 'caption', trainable: ['projector'], lr: 1e-3, maxSteps: 2 }],
  branches: {
    sft: { trainable: ['encoder', 'lm'], lr: 1e-4, encoderLr: 2e-5, epochs: 2 },
    dpo: { trainable: ['encoder', 'lm'], lr: 2e-5, beta: 0.1, maxSteps: 10 },
  },
  objective: 'sft',
};

function write(name: string, sweep: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ ...minimal, sweep }));
  return path;
}

describe('sweep grid', () => {
  it('expands the built-in shapes-sweep to 12 named points, seeds outermost', () => {
    expect(builtInRecipeNames()).toContain('shapes-sweep');
    expect(listRecipes().find((r) => r.name === 'shapes-sweep')?.description).toBe(
      "Where, if anywhere, DPO's encoder beats SFT's on the Shapes world - 2 LRs per objective, 2 betas, 2 branch seeds from one base MLLM.",
    );
    // The same study as shapes-study, only swept.
    const sweep = loadRecipe('shapes-sweep');
    const study = loadRecipe('shapes-study');
    expect([sweep.model, sweep.data, sweep.stages, sweep.branches]).toEqual([study.model, study.data, study.stages, study.branches]);
    const points = sweepPoints(sweep);
    const seed0 = ['sft-lr1.5e-4-e3', 'sft-lr5e-5-e3', 'dpo-lr3e-5-b0.1-e3', 'dpo-lr3e-5-b0.5-e3', 'dpo-lr1e-5-b0.1-e3', 'dpo-lr1e-5-b0.5-e3'];
    expect(points.map((p) => p.name)).toEqual([...seed0.map((s) => `${s}-s0`), ...seed0.map((s) => `${s}-s1`)]);
    expect(points[3]).toMatchObject({ setting: 'dpo-lr3e-5-b0.5-e3', objective: 'dpo', lr: 3e-5, encoderLr: 3e-5, beta: 0.5, length: { epochs: 3 }, seed: 0 });
    expect(points[0]).not.toHaveProperty('beta');
  });

  it('takes an axis left out from the branch, sweeps maxSteps or epochs, and keeps the encoder-LR ratio', () => {
    const points = sweepPoints(loadRecipe(write('steps.json', { lr: { sft: [3e-4] }, maxSteps: [5, 20], seeds: [2] })));
    expect(points.map((p) => p.name)).toEqual([
      'sft-lr3e-4-steps5-s2', 'sft-lr3e-4-steps20-s2', 'dpo-lr2e-5-b0.1-steps5-s2', 'dpo-lr2e-5-b0.1-steps20-s2',
    ]);
    // The sft branch's encoder LR is 1/5 of its LR: so it stays at 3e-4 / 5.
    expect(points[0]!.encoderLr).toBeCloseTo(6e-5, 15);
    const defaults = sweepPoints(loadRecipe(write('defaults.json', { objectives: ['sft'], epochs: [0.5] })));
    expect(defaults.map((p) => p.name)).toEqual(['sft-lr1e-4-e0.5-s0']);
    expect(sweepPoints(loadRecipe(write('branch.json', { objectives: ['dpo'] }))).map((p) => p.name)).toEqual(['dpo-lr2e-5-b0.1-steps10-s0']);
  });

  it('sweeps where DPO\'s rejected answers come from: one SFT setting serves both kinds, and a model point\'s recipe says so', () => {
    const recipe = loadRecipe(write('rejections.json', { rejections: ['scripted', 'model'], seeds: [0, 1] }));
    const points = sweepPoints(recipe);
    const seed = (s: number) => [`sft-lr1e-4-e2-s${s}`, `dpo-lr2e-5-b0.1-steps10-s${s}`, `dpo-lr2e-5-b0.1-steps10-model-s${s}`];
    expect(points.map((p) => p.name)).toEqual([...seed(0), ...seed(1)]);
    expect(points.map((p) => p.rejections)).toEqual([undefined, 'scripted', 'model', undefined, 'scripted', 'model']);
    const derived = (name: string) => parseRecipe(pointRecipe(recipe, points.find((p) => p.name === name)!), join(dir, `${name}.json`)).branches.dpo!;
    expect(derived('dpo-lr2e-5-b0.1-steps10-model-s1')).toEqual({ ...recipe.branches.dpo, name: 'dpo-lr2e-5-b0.1-steps10-model-s1', seed: 1, rejections: 'model' });
    // A scripted point's branch is the branch as written: no field added, so sweeps from before this axis resume.
    expect(derived('dpo-lr2e-5-b0.1-steps10-s1')).not.toHaveProperty('rejections');
    // Without the axis, the branch's own kind.
    const modelBranch = join(dir, 'model-branch.json');
    writeFileSync(modelBranch, JSON.stringify({ ...minimal, branches: { ...minimal.branches, dpo: { ...minimal.branches.dpo, rejections: 'model' } }, sweep: { objectives: ['dpo'] } }));
    expect(sweepPoints(loadRecipe(modelBranch)).map((p) => [p.name, p.rejections])).toEqual([['dpo-lr2e-5-b0.1-steps10-model-s0', 'model']]);
  });

  it('refuses bad fields, naming the file and the field', () => {
    const cases: [unknown, string][] = [
      [{ objectives: ['sft'], beta: [0.1] }, '"sweep.beta" applies to dpo only, but "sweep.objectives" is sft.'],
      [{ objectives: ['sft'], rejections: ['model'] }, '"sweep.rejections" applies to dpo only, but "sweep.objectives" is sft.'],
      [{ rejections: ['model', 'model'] }, '"sweep.rejections" lists model twice; every grid value must be different.'],
      [{ rejections: ['own'] }, '"sweep.rejections[0]" must be one of "scripted", "model", got string "own"'],
      [{ objectives: ['dpo'], lr: { sft: [1e-4] } }, '"sweep.lr.sft" is set but "sweep.objectives" (dpo) does not include sft.'],
      [{ epochs: [1], maxSteps: [5] }, '"sweep" sets both "epochs" and "maxSteps"; sweep one training length.'],
      [{ seeds: [0, 1, 0] }, '"sweep.seeds" lists 0 twice; every grid value must be different.'],
      [{ lr: [1e-4, 1e-5] }, '"sweep.lr" must be an object, got a list'],
      [{ beta: { sft: [0.1] } }, '"sweep.beta" must be a list, got an object'],
      [{ lrs: [1e-4] }, 'unknown field "sweep.lrs"'],
      [{ lr: { dpo: [] } }, '"sweep.lr.dpo": Too small'],
      [{ lr: { dpo: [-1e-5] } }, '"sweep.lr.dpo[0]": Too small'],
      [{ objectives: ['ppo'] }, '"sweep.objectives[0]" must be one of "sft", "dpo", got string "ppo"'],
    ];
    cases.forEach(([sweep, message], i) => {
      const path = write(`bad-${i}.json`, sweep);
      expect(() => loadRecipe(path)).toThrow(`${path}: ${message}`);
    });
    const noBranch = join(dir, 'no-branch.json');
    writeFileSync(noBranch, JSON.stringify({ ...minimal, branches: { sft: minimal.branches.sft }, sweep: {} }));
    expect(() => loadRecipe(noBranch)).toThrow(`${noBranch}: "sweep.objectives" includes dpo but "branches.dpo" is not defined.`);
    expect(() => sweepPoints(loadRecipe('shapes-quick'))).toThrow(/shapes-quick\.yaml has no "sweep" block; add one/);
    expect(() => sweepPoints(loadRecipe('shapes-quick'))).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG', details: { file: loadRecipe('shapes-quick').source, field: 'sweep' } }));
  });

  it('derives per point a recipe whose shared stages resolve exactly as the sweep recipe\'s', () => {
    const recipe = loadRecipe('shapes-sweep');
    const point = sweepPoints(recipe).find((p) => p.name === 'dpo-lr1e-5-b0.5-e3-s1')!;
    const derived = parseRecipe(pointRecipe(recipe, point), join(dir, 'derived.json'));
    expect(derived.stages).toEqual(recipe.stages);
    expect(derived.model).toEqual(recipe.model);
    expect(derived.data).toEqual(recipe.data);
    expect(derived.seed).toBe(recipe.seed);
    expect(derived.objective).toBe('dpo');
    expect(Object.keys(derived.branches)).toEqual(['dpo']);
    expect(derived.branches.dpo).toEqual({ ...recipe.branches.dpo, name: 'dpo-lr1e-5-b0.5-e3-s1', lr: 1e-5, encoderLr: 1e-5, beta: 0.5, seed: 1 });
    expect(derived.sweep).toBeUndefined();
  });
});
