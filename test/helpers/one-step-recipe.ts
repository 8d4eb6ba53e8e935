// Test helper for the CLI tests that post-train model folders given on the command line (--base, --encoder --lm): a
// recipe of one SFT step of the projector alone on a small Shapes world, whose model those folders then replace.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes `<dir>/tiny.yaml` named `name` (the run's recipe is named after it and the folders) and returns its path. */
export function writeOneStepRecipe(dir: string, name: string): string {
  const path = join(dir, 'tiny.yaml');
  writeFileSync(
    path,
    `name: ${name}
objective: sft
model: { preset: small }
data:
  shapes: { count: 8, seed: 0, size: 32, difficulty: easy }
stages: []
branches:
  sft: { trainable: [projector], lr: 1.0e-3, maxSteps: 1, batchSize: 2, warmupRatio: 0 }
`,
  );
  return path;
}
