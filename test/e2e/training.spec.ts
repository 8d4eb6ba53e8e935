// End to end, in Chromium against `pivot serve`, with the real engine: start a DPO run from the Training screen on a
// Shapes-world folder with a recipe file, watch its curves grow live, pause (the curves stop), resume, see it complete
// with its log; then start another and cancel it; export the completed run's encoder from its header.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { parse, stringify } from 'yaml';
import { runPivot, servePivot, type ServedWorkspace } from './server';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let served: ServedWorkspace | undefined;
test.afterEach(() => served?.stop());

const DPO_STEPS = 400;

/** The built-in quick recipe with a longer DPO branch, so there is time to pause and cancel; and its step count. */
function slowRecipe(dir: string): { path: string; totalSteps: number } {
  const recipe = parse(readFileSync(join(ROOT, 'resources/recipes/shapes-quick.yaml'), 'utf8')) as {
    stages: Array<{ maxSteps: number }>;
    branches: { dpo: { maxSteps: number } };
  };
  // Long enough on the native backend too (a toy step takes tens of milliseconds there).
  recipe.branches.dpo.maxSteps = DPO_STEPS;
  const path = join(dir, 'shapes-slow.yaml');
  writeFileSync(path, stringify(recipe));
  return { path, totalSteps: recipe.stages.reduce((n, s) => n + s.maxSteps, 0) + DPO_STEPS };
}

async function lossPoints(page: Page): Promise<number> {
  return Number(await page.getByTestId('chart-loss').getAttribute('data-points'));
}

/** The loss chart's line colours, one per stage (run-charts.ts's palette, in stage order: sft, sft, dpo). */
const STAGE_COLOURS: Array<[number, number, number]> = [[0x2f, 0x6f, 0xde], [0xd9, 0x48, 0x0f], [0x1a, 0x7f, 0x37]];

/** Per stage colour, the loss chart's canvas pixels of that colour below the legend (its top 30 CSS pixels): the
 * plotted lines, not the legend's swatches nor the faint raw lines behind them. */
function lossLinePixels(page: Page): Promise<number[]> {
  return page.getByTestId('chart-loss').locator('canvas').first().evaluate((c: HTMLCanvasElement, colours) => {
    const top = Math.round(30 * (c.width / c.getBoundingClientRect().width));
    const data = c.getContext('2d')!.getImageData(0, top, c.width, c.height - top).data;
    return colours.map(([r, g, b]) => {
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (Math.abs(data[i]! - r) + Math.abs(data[i + 1]! - g) + Math.abs(data[i + 2]! - b) < 12) n++;
      return n;
    });
  }, STAGE_COLOURS);
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

test('train from the window: live curves, pause, resume, complete, cancel', async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  const dir = mkdtempSync(join(tmpdir(), 'pivot-e2e-train-'));
  const shapes = join(dir, 'shapes');
  await runPivot(['data', 'shapes', '--out', shapes, '--count', '40', '--size', '32', '--seed', '0']);
  const { path: recipe, totalSteps } = slowRecipe(dir);

  served = await servePivot(join(dir, 'workspace'));
  // The charts must live with the window's CSP (no inline scripts, no eval): any violation is an error here.
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  await page.goto(served.url);
  await page.getByTestId('nav-training').click();
  await expect(page.getByTestId('training-view')).toBeVisible();
  await expect(page.getByTestId('recipe-select')).toContainText('shapes-quick');
  // The backends are probed by an engine host (it loads tfjs and wasm): a few seconds.
  await expect(page.getByTestId('backend-select')).toContainText('Best available (', { timeout: 30_000 });

  await startRun(page, recipe, shapes, 'dpo-window');
  const row = page.getByTestId('run-row').first();
  await expect(row).toContainText('dpo-window');
  await expect(row.getByTestId('run-status')).toHaveAttribute('data-status', 'running', { timeout: 30_000 });

  // Live curves: points arrive by run:event.
  // Pause a few steps into the DPO branch.
  await expect.poll(() => lossPoints(page), { timeout: 60_000 }).toBeGreaterThan(totalSteps - DPO_STEPS + 5);
  await page.getByTestId('pause-run').click();
  await expect(page.getByTestId('selected-run-status')).toHaveAttribute('data-status', 'paused');
  await page.waitForTimeout(500);
  const held = await lossPoints(page);
  await page.waitForTimeout(1500);
  expect(await lossPoints(page)).toBe(held);
  await page.screenshot({ path: testInfo.outputPath('paused.png') });

  await page.getByTestId('resume-run').click();
  await expect(page.getByTestId('selected-run-status')).toHaveAttribute('data-status', 'running');
  await expect.poll(() => lossPoints(page), { timeout: 30_000 }).toBeGreaterThan(held);
  await expect(page.getByTestId('chart-margins')).toBeVisible();
  await expect(page.getByTestId('chart-accuracies')).toBeVisible();
  await page.getByTestId('x-axis-time').click();
  await page.getByTestId('smoothing').fill('0.9');
  await expect(page.getByTestId('smoothing-value')).toHaveText('0.90');
  await expect(page.getByTestId('selected-run-status')).toHaveAttribute('data-status', 'completed', { timeout: 120_000 });
  await expect(page.getByTestId('run-log')).toContainText('Stage 3/3: dpo');
  await expect(page.getByTestId('run-log')).toContainText('Completed');
  await expect(page.getByTestId('run-result')).toContainText('checkpoints');
  // The loss chart draws a line per stage: each stage's colour covers pixels of the plot (by step, so the short SFT
  // stages are not squeezed by a slow machine's DPO branch).
  await page.getByTestId('x-axis-step').click();
  await page.waitForTimeout(1000);
  const linePixels = await lossLinePixels(page);
  console.log(`loss chart: line pixels per stage ${linePixels.join(', ')}`);
  expect(linePixels[0]).toBeGreaterThan(2);
  expect(linePixels[1]).toBeGreaterThan(2);
  expect(linePixels[2]).toBeGreaterThan(300);
  await page.screenshot({ path: testInfo.outputPath('completed.png') });

  // A second run, cancelled while it trains: it stops at the next step and keeps its checkpoint.
  await startRun(page, recipe, shapes, 'to-cancel');
  await expect(page.getByTestId('run-row')).toHaveCount(2);
  await expect(page.getByTestId('selected-run-name')).toHaveText('to-cancel');
  await expect.poll(() => lossPoints(page), { timeout: 60_000 }).toBeGreaterThan(2);
  await page.getByTestId('cancel-run').click();
  await page.getByTestId('cancel-run-confirm').click();
  await expect(page.getByTestId('selected-run-status')).toHaveAttribute('data-status', 'cancelled', { timeout: 60_000 });
  await expect(page.getByTestId('run-log')).toContainText('Cancelled');

  // After a reload, the history comes back from the workspace.
  await page.reload();
  await expect(page.getByTestId('training-view')).toBeVisible();
  await expect(page.getByTestId('run-row')).toHaveCount(2);
  await page.getByTestId('run-row').nth(1).click();
  await expect(page.getByTestId('selected-run-status')).toHaveAttribute('data-status', 'completed');
  // Every step of the three stages, from the workspace.
  await expect.poll(() => lossPoints(page)).toBe(totalSteps);

  // One-click export of the completed run's encoder, on an engine host: re-loaded and checked bit-exact.
  const encoder = join(dir, 'encoder');
  await page.getByTestId('export-encoder').click();
  await page.getByTestId('export-encoder-path').fill(encoder);
  await page.getByTestId('export-encoder-run').click();
  await expect(page.getByTestId('export-encoder-delta')).toHaveText('0 (bit-exact)', { timeout: 60_000 });
  await expect(page.getByTestId('export-encoder-folder')).toHaveText(encoder);
  expect(readdirSync(encoder).sort()).toEqual(['README.md', 'config.json', 'model.safetensors', 'preprocessor_config.json']);
  await page.screenshot({ path: testInfo.outputPath('exported.png') });
  expect(consoleErrors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
});
