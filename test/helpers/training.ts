// Test helpers for training runs: the engine test double's module path, its recipes, and an engine host on it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { forkEngineHost } from '../../src-main/engine-jobs/fork';
import type { EngineHost, HostLauncher } from '../../src-main/engine-jobs/engine-host';
import type { ToHost } from '../../src-main/engine/host/protocol';
import type { TestRecipe } from './training-job';
import { tempDir } from './workspace';

/** The test double of the engine's `train` job (see training-job.ts), for the host's `--jobs=` argument. */
export const TRAINING_JOB = fileURLToPath(new URL('./training-job.ts', import.meta.url));

/** Engine hosts that run the test double instead of the engine. */
export const testHost: HostLauncher = () => forkEngineHost({ jobModule: TRAINING_JOB });

/** The test double's recipe check (its recipes are its own JSON, not the engine's schema): the file must parse. */
export function checkTestRecipe(recipe: string): void {
  JSON.parse(readFileSync(recipe, 'utf8'));
}

/** Writes a recipe for the test double and returns its path. */
export function testRecipe(recipe: Partial<TestRecipe> = {}, dir = tempDir('pivot-recipe-')): string {
  const path = join(dir, 'recipe.json');
  const full: TestRecipe = { stages: [{ name: 'sft', steps: 5 }], stepMs: 10, ...recipe };
  writeFileSync(path, JSON.stringify(full));
  return path;
}

/** Resolves when `predicate` holds, polling; fails after `timeoutMs` saying what it waited for. */
export async function until(predicate: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A host that prints a fatal error and is killed without answering; `sent` records what it was asked. */
export function dyingHost(): { host: EngineHost; sent: ToHost[] } {
  const sent: ToHost[] = [];
  const host: EngineHost = {
    pid: 1,
    send: (message) => void sent.push(message),
    onMessage: () => undefined,
    onOutput: (listener) => setTimeout(() => listener('stderr', 'FATAL ERROR: Reached heap limit'), 0),
    onExit: (listener) => setTimeout(() => listener(null, 'SIGKILL'), 5),
    kill: () => undefined,
  };
  return { host, sent };
}
