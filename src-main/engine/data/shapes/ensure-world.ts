// A Shapes world made once in a folder (a recipe's `data.shapes`, made inside the run folder): kept when its pairs
// are already there, so a resumed run or the other branch trains on the very same world.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeShapesWorld } from './write';

/** What a recipe says about the world to make. */
export interface ShapesWorldSpec {
  count: number;
  seed: number;
  size: number;
  difficulty?: string;
}

export async function ensureShapesWorld(folder: string, spec: ShapesWorldSpec, info: (message: string) => void): Promise<void> {
  if (existsSync(join(folder, 'pairs.jsonl'))) return;
  info(`Making a Shapes world of ${spec.count} images in ${folder}.`);
  await writeShapesWorld({ out: folder, count: spec.count, seed: spec.seed, size: spec.size, ...(spec.difficulty ? { difficulty: spec.difficulty } : {}) });
}
