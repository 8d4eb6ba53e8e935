// End to end, in Chromium against `pivot serve`, with the real engine: what a person sees of a run while it trains —
// the progress bar over all stages, stage i of n, steps done of all, elapsed time, ETA, steps/s and samples/s, when it
// started; its configuration panel; pause, resume and a confirmed cancel written into its log with who asked; and a
// second run drawn over the first on the same charts.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { parse, stringify } from 'yaml';
import { runPivot, servePivot, type ServedWorkspace } from './server';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const QUICK = join(ROOT, 'resources/recipes/shapes-quick.yaml');
/**
 * Long enough to watch, pause and cancel on a fast machine too (it is cancelled, never trained to the end): an idle
 * 2-core machine trains 1000 of the toy's DPO steps in about a minute, before the test reaches Cancel.
 */
const DPO_STEPS = 100_000;

let served: ServedWorkspace | undefined;
test.afterEach(() => served?.stop());

/** shapes-quick with a long DPO branch (time to watch it), and its steps over all three stages. */
function slowRecipe(dir: string): { path: string; totalSteps: number; dpoBatch: number } {
  const recipe = parse(readFileSync(QUICK, 'utf8')) as { stages: Array<{ maxSteps: number }>; branches: { dpo: { maxSteps: number; batchSize: number } } };
  recipe.branches.dpo.maxSteps = DPO_STEPS;
  const path = join(dir, 'shapes-slow.yaml');
  writeFileSync(path, stringify(recipe));
  return { path, totalSteps: recipe.stages.reduce((n, s) => n + s.maxSteps, 0) + DPO_STEPS, dpoBatch: recipe.branches.dpo.batchSize };
}

async function startRun(page: Page, recipe: string, folder: string, name: string): Promise<void> {
  await page.getByTestId('recipe-select').selectOption('::file');
  await page.getByTestId('recipe-path').fill(recipe);
  await page.getByTestId('objective-select').selectOption('dpo');
  await page.getByTestId('data-folder-choice').check();
  await page.getByTestId('data-folder').fill(folder);
  await page.getByTestId('run-name').fill(name);
  await page.getByTestId('start-run').click();
}

const numberIn = async (page: Page, testid: string): Promise<number> => Number.parseFloat((await page.getByTestId(testid).textContent()) ?? '');

test('monitor a run: progress over all stages, pace and ETA, configuration, logged controls, overlay', async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  const dir = mkdtempSync(join(tmpdir(), 'pivot-e2e-monitor-'));
  const shapes = join(dir, 'shapes');
  await runPivot(['data', 'shapes', '--out', shapes, '--count', '40', '--size', '32', '--seed', '0']);
  const { path: recipe, totalSteps, dpoBatch } = slowRecipe(dir);
  served = await servePivot(join(dir, 'workspace'));
  await page.goto(served.url);
  await page.getByTestId('nav-training').click();
  await expect(page.getByTestId('backend-select')).toContainText('Best available (', { timeout: 30_000 });

  await startRun(page, recipe, shapes, 'monitored');
  await expect(page.getByTestId('selected-run-status')).toHaveAttribute('data-status', 'running', { timeout: 30_000 });
  // In the DPO branch, a few steps in: stage 3 of 3, the steps of the two shared stages counted in the whole.
  await expect(page.getByTestId('run-stage')).toHaveText(new RegExp(`Stage 3 of 3 · dpo · step \\d+/${DPO_STEPS}$`), { timeout: 90_000 });
  await expect.poll(async () => Number(/step (\d+)/.exec((await page.getByTestId('run-stage').textContent()) ?? '')?.[1]), { timeout: 30_000 }).toBeGreaterThan(5);
  await expect(page.getByTestId('run-overall')).toHaveText(new RegExp(`\\d+/${totalSteps} steps in all \\(\\d+(\\.\\d)?%\\)$`));
  const fraction = Number(await page.getByTestId('run-progress').getAttribute('data-fraction'));
  expect(fraction).toBeGreaterThan(9 / totalSteps);
  expect(fraction).toBeLessThan(1);
  await expect(page.getByTestId('run-eta')).toHaveText(/ETA \d+:\d\d(:\d\d)?$/);
  await expect(page.getByTestId('run-steps-per-second')).toHaveText(/[\d.]+ steps\/s$/);
  // samples/s is steps/s times the DPO branch's pairs per step (each shown to 3 significant digits).
  const ratio = (await numberIn(page, 'run-samples-per-second')) / (await numberIn(page, 'run-steps-per-second'));
  expect(Math.abs(ratio - dpoBatch) / dpoBatch).toBeLessThan(0.02);
  await expect(page.getByTestId('run-elapsed')).toHaveText(/Elapsed \d+:\d\d$/);
  await expect(page.getByTestId('run-started')).toHaveText(/Started (just now|\d+ s ago|1 min ago)$/);
  expect(await page.getByTestId('run-started').locator('time').getAttribute('title')).toMatch(/\d{4}/);
  await expect(page.getByTestId('run-created')).toHaveText(/just now|s ago|min ago/);
  await page.screenshot({ path: testInfo.outputPath('monitor.png') });

  // The configuration, as the run folder records it.
  await page.getByTestId('run-config').locator('summary').click();
  await expect(page.getByTestId('run-config-seed')).toHaveText('0');
  await expect(page.getByTestId('run-config-threads')).toHaveText('all cores');
  await expect(page.getByTestId('run-config-recipe')).toHaveText(recipe);
  await expect(page.getByTestId('run-config-stages')).toContainText('dpo');
  await expect(page.getByTestId('run-config-json')).toContainText(`"maxSteps": ${DPO_STEPS}`);
  await page.screenshot({ path: testInfo.outputPath('config.png') });
  await page.getByTestId('run-config').locator('summary').click();

  // Pause and resume, in the log with who asked.
  await page.getByTestId('pause-run').click();
  await expect(page.getByTestId('selected-run-status')).toHaveAttribute('data-status', 'paused');
  await expect(page.getByTestId('run-eta')).toHaveCount(0);
  await expect(page.getByTestId('run-log')).toContainText('Paused from the window.');
  await page.getByTestId('resume-run').click();
  await expect(page.getByTestId('selected-run-status')).toHaveAttribute('data-status', 'running');
  await expect(page.getByTestId('run-log')).toContainText('Resumed from the window.');

  // Cancel asks first; keeping it changes nothing.
  await page.getByTestId('cancel-run').click();
  await expect(page.getByTestId('cancel-run-dialog')).toBeVisible();
  await page.getByTestId('cancel-run-keep').click();
  await expect(page.getByTestId('cancel-run-dialog')).toHaveCount(0);
  await page.waitForTimeout(500);
  await expect(page.getByTestId('selected-run-status')).toHaveAttribute('data-status', 'running');
  await page.getByTestId('cancel-run').click();
  await page.getByTestId('cancel-run-confirm').click();
  await expect(page.getByTestId('selected-run-status')).toHaveAttribute('data-status', 'cancelled', { timeout: 60_000 });
  await expect(page.getByTestId('run-log')).toContainText('Cancelled from the window: stopping at the next step');
  await expect(page.getByTestId('run-elapsed')).toHaveText(/Took \d+:\d\d$/);

  // A second, short run, then the first drawn over it: one legend entry per run.
  await startRun(page, QUICK, shapes, 'second');
  await expect(page.getByTestId('selected-run-name')).toHaveText('second');
  await expect(page.getByTestId('selected-run-status')).toHaveAttribute('data-status', 'completed', { timeout: 120_000 });
  await page.getByTestId('run-row').nth(1).getByTestId('run-overlay').check();
  await expect(page.getByTestId('chart-loss')).toHaveAttribute('data-runs', 'second,monitored');
  await expect(page.getByTestId('selected-run-name')).toHaveText('second');
  await page.waitForTimeout(500);
  await page.screenshot({ path: testInfo.outputPath('overlay.png') });
  await page.getByTestId('run-row').nth(1).getByTestId('run-overlay').uncheck();
  await expect(page.getByTestId('chart-loss')).toHaveAttribute('data-runs', 'second');
});
