// End to end, in Chromium against `pivot serve` at 1024×700: the New run form checks the workspace's pairs against
// the recipe's model before Start (issue 12, bug 9) — a pair with words the toy model's Shapes tokenizer lacks is
// named with its dataset and reason, Start waits until it is excluded, and the form stays within the side panel.
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { runPivot, servePivot, type ServedWorkspace } from './server';

let served: ServedWorkspace | undefined;
test.afterEach(() => served?.stop());

test('the New run form names the unusable pairs and starts once they are excluded', async ({ page }) => {
  test.setTimeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'pivot-e2e-run-form-'));
  await runPivot(['data', 'shapes', '--out', join(dir, 'shapes'), '--count', '3', '--size', '32', '--seed', '0']);
  const pairs = join(dir, 'shapes', 'pairs.jsonl');
  const first = JSON.parse(readFileSync(pairs, 'utf8').split('\n')[0]!) as Record<string, unknown>;
  appendFileSync(pairs, `${JSON.stringify({ ...first, id: 'quasar', prompt: 'Which quasar emits this light?' })}\n`);
  const workspace = join(dir, 'workspace');
  await runPivot(['data', 'import', pairs, '--workspace', workspace, '--dataset', 'shapes']);

  served = await servePivot(workspace);
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.goto(served.url);
  await page.getByTestId('nav-training').click();
  await page.getByTestId('data-status').selectOption('');

  const unusable = page.getByTestId('unusable-pair');
  await expect(unusable).toHaveCount(1, { timeout: 60_000 });
  await expect(unusable).toContainText('shapes — unknown words');
  await expect(page.getByTestId('pair-check-model')).toContainText('preset toy');
  await expect(page.getByTestId('start-run')).toBeDisabled();

  await page.getByTestId('exclude-unusable').click();
  await expect(page.getByTestId('pair-check-counts')).toContainText('1 excluded', { timeout: 60_000 });
  await expect(page.getByTestId('start-run')).toBeEnabled();
  // Usable at 1024×700: nothing sticks out of the side panel sideways, and Start can be scrolled to.
  const overflow = await page.getByTestId('start-form').evaluate((form) => form.scrollWidth - form.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.getByTestId('start-run').scrollIntoViewIfNeeded();
  await expect(page.getByTestId('start-run')).toBeInViewport();
});
