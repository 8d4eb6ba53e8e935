// Shared helpers for the training tests: a small Shapes world on disk, a recipe file with only the stages a
// test needs, and reading a run's metrics and weights back.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeShapesWorld } from '../../../../src-main/engine/data/shapes';
import type { RunEvent } from '../../../../src-main/engine/train/api';
import type { RecipeInput } from '../../../../src-main/engine/train/recipe-schema';


/** A fresh temporary folder; remove it with `removeTemp`. */
export function tempFolder(tag: string): string {
  return mkdtempSync(join(tmpdir(), `pivot-train-${tag}-`));
}

export function removeTemp(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A 32 px Shapes world (easy) in `dir`, the toy preset's image size, so no resizing happens. */
export async function smallWorld(dir: string, count = 12): Promise<string> {
  await writeShapesWorld({ out: dir, count, seed: 7, size: 32, difficulty: 'easy' });
  return dir;
}

type StageInput = NonNullable<RecipeInput['branches']['sft']>;

/** A stage of the test recipes: toy-sized, no warm-up so the first update moves the weights. */
export function testStage(fields: Partial<StageInput>): StageInput {
  return { trainable: ['encoder', 'projector', 'lm'], lr: 1e-3, batchSize: 2, warmupRatio: 0, ...fields };
}

/** Writes a JSON recipe for the toy preset over `dataFolder` and returns its path. */
export function writeRecipe(dir: string, recipe: Partial<RecipeInput> & Pick<RecipeInput, 'stages' | 'branches'>, name = 'recipe.json'): string {
  const path = join(dir, name);
  const full: RecipeInput = { seed: 3, objective: 'sft', model: { preset: 'toy' }, data: {}, ...recipe };
  writeFileSync(path, JSON.stringify(full, null, 2));
  return path;
}

/** The metrics events a run emitted, in order. */
export type MetricsEvent = Extract<RunEvent, { type: 'metrics' }>;

export function metricsOf(events: readonly RunEvent[], stage?: string): MetricsEvent[] {
  return events.filter((e): e is MetricsEvent => e.type === 'metrics' && (stage === undefined || e.stage === stage));
}

/** A SHA-256 of every weight file of a checkpoint, for bit-exact comparisons (deep-equal on bytes is slow). */
export function weightFiles(checkpoint: string): Record<string, string> {
  const files = ['encoder/model.safetensors', 'projector.safetensors', 'lm/model.safetensors'];
  return Object.fromEntries(files.map((f) => [f, createHash('sha256').update(readFileSync(join(checkpoint, f))).digest('hex')]));
}
