// The sweep tests' recipe: shapes-quick (read from its file, so it stays the built-in's model and stages) on a
// 24-image world with fewer steps, and a 2-point grid — one SFT and one DPO setting, one branch seed.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { BUILT_IN_RECIPE_DIR } from '../../../../src-main/engine/train/recipe';
import type { RecipeInput } from '../../../../src-main/engine/train/recipe-schema';

/** Writes `<dir>/tiny-sweep.json` and returns its path. */
export function writeTinySweepRecipe(dir: string): string {
  const quick = parse(readFileSync(join(BUILT_IN_RECIPE_DIR, 'shapes-quick.yaml'), 'utf8')) as RecipeInput;
  const steps: Record<string, number> = { align: 2, instruct: 3 };
  const recipe: RecipeInput = {
    ...quick,
    name: 'tiny-sweep',
    data: { shapes: { count: 24, seed: 0, size: 32, difficulty: 'easy' } },
    stages: quick.stages.map((s) => ({ ...s, maxSteps: steps[s.name] ?? s.maxSteps })),
    branches: { sft: { ...quick.branches.sft!, maxSteps: 3 }, dpo: { ...quick.branches.dpo!, maxSteps: 3 } },
    sweep: { lr: { sft: [1e-3], dpo: [2e-4] }, seeds: [0] },
  };
  const path = join(dir, 'tiny-sweep.json');
  writeFileSync(path, JSON.stringify(recipe, null, 2));
  return path;
}
