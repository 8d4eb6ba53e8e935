// Recipes: the built-ins resolve to the paper's stage order, and every mistake is reported with the file, the
// field path and what was expected — never silently replaced by a default.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtInRecipeNames, loadRecipe, pipelineFor } from '../../../../src-main/engine/train/recipe';

const dir = mkdtempSync(join(tmpdir(), 'pivot-recipe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const minimal = {
  model: { preset: 'toy' },
  data: { folder: 'world' },
  stages: [{ name: 'align', kind: 'caption', trainable: ['projector'], lr: 1e-3, maxSteps: 2 }],
  branches: { sft: { trainable: ['lm'], lr: 1e-4 } },
  objective: 'sft',
};

function writeJson(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

describe('built-in recipes', () => {
  it('lists shapes-quick, shapes-study and shapes-sweep and resolves their pipelines', () => {
    expect(builtInRecipeNames()).toEqual(['shapes-quick', 'shapes-study', 'shapes-sweep']);
    const study = loadRecipe('shapes-study');
    expect(pipelineFor(study, 'sft').map((s) => s.name)).toEqual(['pretrain-encoder', 'pretrain-lm', 'align', 'instruct', 'sft']);
    expect(pipelineFor(study, 'dpo').map((s) => [s.name, s.kind, s.lr, s.encoderLr, s.trainable])).toEqual([
      ['pretrain-encoder', 'labels', 3e-3, 3e-3, ['encoder']],
      ['pretrain-lm', 'caption', 1e-3, 1e-3, ['projector', 'lm']],
      ['align', 'caption', 1e-3, 1e-3, ['projector']],
      ['instruct', 'instruct', 3e-4, 6e-5, ['encoder', 'projector', 'lm']],
      ['dpo', 'dpo', 3e-5, 3e-5, ['encoder', 'projector', 'lm']],
    ]);
    // The paper's ratios: DPO's LR 5× below SFT's; the encoder's 5× below the instruct stage's.
    expect((study.branches.sft?.lr ?? 0) / (study.branches.dpo?.lr ?? 1)).toBeCloseTo(5, 10);
    expect(study.branches.dpo).toMatchObject({ beta: 0.1, warmupRatio: 0.03, weightDecay: 0, batchSize: 8, gradAccum: 2 });
    expect(study.model).toEqual({ preset: 'small', featureLayer: -2 });
    expect(study.data.shapes).toEqual({ count: 800, seed: 0, size: 32, difficulty: 'medium,objectSize=12-24' });
    expect(loadRecipe('shapes-quick')).toMatchObject({ objective: 'sft', model: { preset: 'toy', featureLayer: -2 } });
  });

  it('resolves relative paths against the recipe file and fills the defaults', () => {
    const recipe = loadRecipe(writeJson('ok.json', minimal));
    expect(recipe.data.folder).toBe(join(dir, 'world'));
    expect(recipe.stages[0]).toMatchObject({ batchSize: 8, gradAccum: 1, warmupRatio: 0.03, clipNorm: 1, checkpointEvery: 0, epochs: 1, subset: { from: 0, to: 1 } });
    expect(pipelineFor(recipe, 'sft').map((s) => s.name)).toEqual(['align', 'sft']);
  });
});

describe('recipe errors', () => {
  it('names the file and the path of an unknown field', () => {
    const file = writeJson('typo.json', { ...minimal, stages: [{ ...minimal.stages[0], lrr: 1 }] });
    expect(() => loadRecipe(file)).toThrow(
      `${file}: unknown field "stages[0].lrr" (check its spelling; recipe fields are listed in resources/recipes/shapes-study.yaml)`,
    );
    const top = writeJson('top.json', { ...minimal, optimiser: 'adamw' });
    expect(() => loadRecipe(top)).toThrow(`${top}: unknown field "optimiser"`);
  });

  it('names the file, the field and the expected type of a wrong value', () => {
    const file = join(dir, 'types.yaml');
    writeFileSync(file, ['model: { preset: huge }', 'data: { folder: world }', 'stages:', '  - { name: a, kind: caption, trainable: [projector], lr: fast }', 'branches: { dpo: { trainable: lm, lr: 1e-6 } }', ''].join('\n'));
    expect(() => loadRecipe(file)).toThrow(
      [
        `${file}: "model.preset" must be one of "toy", "small", "small-64px", "small-lm128", "tiny", "base", got string "huge"`,
        `${file}: "stages[0].lr" must be a number, got string "fast"`,
        `${file}: "branches.dpo.trainable" must be a list, got string "lm"`,
      ].join('\n'),
    );
  });

  it('says which built-ins exist when a name is neither a file nor a built-in', () => {
    expect(() => loadRecipe('shapes-quik')).toThrow(
      `Unknown recipe "shapes-quik": it is not a recipe file (${resolve('shapes-quik')} does not exist) nor a built-in recipe (shapes-quick, shapes-study, shapes-sweep).`,
    );
  });

  it('rejects contradictory settings instead of picking one', () => {
    const both = writeJson('both.json', { ...minimal, stages: [{ ...minimal.stages[0], epochs: 2 }] });
    expect(() => loadRecipe(both)).toThrow(`${both}: "stages[0]" sets both "epochs" and "maxSteps"; set one.`);
    const beta = writeJson('beta.json', { ...minimal, branches: { sft: { ...minimal.branches.sft, beta: 0.1 } } });
    expect(() => loadRecipe(beta)).toThrow(`${beta}: "branches.sft.beta" applies to dpo stages only.`);
    const noBranch = writeJson('branch.json', { ...minimal, objective: 'dpo' });
    expect(() => loadRecipe(noBranch)).toThrow(`${noBranch}: "objective" is dpo but "branches.dpo" is not defined.`);
    const model = writeJson('model.json', { ...minimal, model: { preset: 'toy', lm: 'x' } });
    expect(() => loadRecipe(model)).toThrow(`${model}: "model" needs exactly one of "preset" (toy, small, small-64px, small-lm128, tiny, base), "path" (a Hugging Face LLaVA folder) or both "encoder" and "lm"`);
    const sweep = writeJson('sweep.json', { ...minimal, sweep: { lr: [1e-4, 1e-5] } });
    expect(() => loadRecipe(sweep)).toThrow(`${sweep}: "sweep.lr" must be an object, got a list`);
  });

  it('refuses sizes past sane bounds, naming the field, the bound and the value', () => {
    const stage = (fields: Record<string, unknown>) => writeJson('bounds.json', { ...minimal, stages: [{ ...minimal.stages[0], ...fields }] });
    const steps = stage({ maxSteps: 1e12 });
    expect(() => loadRecipe(steps)).toThrow(`${steps}: "stages[0].maxSteps" must be at most 10000000, got number 1000000000000`);
    const batch = stage({ batchSize: 1e6 });
    expect(() => loadRecipe(batch)).toThrow(`${batch}: "stages[0].batchSize" must be at most 65536, got number 1000000`);
    const epochs = writeJson('epochs.json', { ...minimal, branches: { sft: { ...minimal.branches.sft, epochs: 1e9 } } });
    expect(() => loadRecipe(epochs)).toThrow(`${epochs}: "branches.sft.epochs" must be at most 10000, got number 1000000000`);
    const accum = stage({ gradAccum: 1e5 });
    expect(() => loadRecipe(accum)).toThrow(`${accum}: "stages[0].gradAccum" must be at most 65536, got number 100000`);
    const every = stage({ checkpointEvery: 1e8 });
    expect(() => loadRecipe(every)).toThrow(`${every}: "stages[0].checkpointEvery" must be at most 10000000, got number 100000000`);
    const world = writeJson('world.json', { ...minimal, data: { shapes: { count: 1e9, size: 4096 } } });
    expect(() => loadRecipe(world)).toThrow(
      [
        `${world}: "data.shapes.count" must be at most 1000000, got number 1000000000`,
        `${world}: "data.shapes.size" must be at most 512, got number 4096`,
      ].join('\n'),
    );
    const length = writeJson('length.json', { ...minimal, data: { folder: 'world', maxLength: 1e7 } });
    expect(() => loadRecipe(length)).toThrow(`${length}: "data.maxLength" must be at most 1048576, got number 10000000`);
    const sweep = writeJson('sweep-steps.json', { ...minimal, sweep: { maxSteps: [10, 1e12] } });
    expect(() => loadRecipe(sweep)).toThrow(`${sweep}: "sweep.maxSteps[1]" must be at most 10000000, got number 1000000000000`);
  });

  it('says "must be a finite number" for YAML .inf, -.inf and .nan', () => {
    const file = join(dir, 'infinite.yaml');
    writeFileSync(file, [
      'model: { preset: toy }', 'data: { folder: world }', 'objective: sft',
      'stages:', '  - { name: a, kind: caption, trainable: [projector], lr: .inf, maxSteps: 2, weightDecay: .nan }',
      'branches: { sft: { trainable: [lm], lr: 1e-4, clipNorm: -.inf } }', '',
    ].join('\n'));
    expect(() => loadRecipe(file)).toThrow(
      [
        `${file}: "stages[0].lr" must be a finite number, got Infinity`,
        `${file}: "stages[0].weightDecay" must be a finite number, got NaN`,
        `${file}: "branches.sft.clipNorm" must be a finite number, got -Infinity`,
      ].join('\n'),
    );
  });

  it('checks each stage against its kind: the kinds there are, and the fields only some kinds take', () => {
    const kind = writeJson('kind.json', { ...minimal, stages: [{ ...minimal.stages[0], kind: 'rlhf' }] });
    expect(() => loadRecipe(kind)).toThrow(`${kind}: "stages[0].kind" must be one of "labels", "caption", "instruct", "sft", "dpo", got string "rlhf"`);
    const beta = writeJson('shared-beta.json', { ...minimal, stages: [{ ...minimal.stages[0], beta: 0.2 }] });
    expect(() => loadRecipe(beta)).toThrow(`${beta}: "stages[0].beta" applies to dpo stages only.`);
    const dpo = writeJson('shared-dpo.json', { ...minimal, stages: [{ ...minimal.stages[0], kind: 'dpo', beta: 0.2 }] });
    expect(loadRecipe(dpo).stages[0]?.beta).toBe(0.2);
  });

  it('refuses a bad recipe value as INVALID_CONFIG naming the file and the field, and an unknown name as NOT_FOUND', () => {
    const both = writeJson('coded-both.json', { ...minimal, stages: [{ ...minimal.stages[0], epochs: 2 }] });
    expect(() => loadRecipe(both)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG', details: { file: both, field: 'stages[0]' } }));
    const typo = writeJson('coded-typo.json', { ...minimal, stages: [{ ...minimal.stages[0], lr: 'fast' }] });
    expect(() => loadRecipe(typo)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG', message: `${typo}: "stages[0].lr" must be a number, got string "fast"`, details: { file: typo, field: 'stages[0].lr' } }));
    expect(() => pipelineFor(loadRecipe(writeJson('coded-sft.json', minimal)), 'dpo')).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG', details: { file: join(dir, 'coded-sft.json'), field: 'branches.dpo' } }));
    expect(() => loadRecipe('shapes-quik')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});
