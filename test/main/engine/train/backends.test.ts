// The same SFT and DPO steps on wasm (the default backend, via selectBackend) and on cpu (the reference):
// losses and log-probs agree to 1e-4 relative.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { train } from '../../../../src-main/engine/train';
import type { Objective, RunEvent } from '../../../../src-main/engine/train/api';
import { metricsOf, removeTemp, smallWorld, tempFolder, testStage, writeRecipe, type MetricsEvent } from './helpers';

const root = tempFolder('backends');
let world: string;

beforeAll(async () => {
  world = await smallWorld(join(root, 'world'), 8);
});
afterAll(() => removeTemp(root));

async function twoSteps(objective: Objective, backend: 'cpu' | 'wasm'): Promise<MetricsEvent[]> {
  const recipe = writeRecipe(root, {
    objective,
    data: { folder: world },
    stages: [],
    branches: { [objective]: testStage({ maxSteps: 2, batchSize: 3, subset: { from: 0, to: 0.3 } }) },
  }, `${objective}.json`);
  const events: RunEvent[] = [];
  const result = await train({ recipe, runDir: join(root, `${objective}-${backend}`), backend, onEvent: (e) => events.push(e) });
  expect(result.backend).toBe(backend);
  return metricsOf(events);
}

const relative = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

describe.each(['sft', 'dpo'] as const)('%s on wasm and cpu', (objective) => {
  it('gives the same loss at the first two steps (≤ 1e-4 relative)', async () => {
    const cpu = await twoSteps(objective, 'cpu');
    const wasm = await twoSteps(objective, 'wasm');
    expect(cpu).toHaveLength(2);
    for (const [i, reference] of cpu.entries()) {
      const other = wasm[i]!;
      expect(relative(other.values.loss!, reference.values.loss!), `step ${i + 1} loss`).toBeLessThanOrEqual(1e-4);
      if (objective === 'dpo') expect(relative(other.values['logps/chosen']!, reference.values['logps/chosen']!)).toBeLessThanOrEqual(1e-4);
    }
    // After one update the loss has moved, so step 2 compares a real step, not only the initial model.
    expect(cpu[1]!.values.loss).not.toBe(cpu[0]!.values.loss);
  });
});
