// End to end, in Chromium against `pivot serve`: import a Shapes-world dataset (with two bad records) through the
// window, curate with the keyboard, export, and check the exported file.
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, test } from '@playwright/test';
import { runPivot, servePivot, type ServedWorkspace } from './server';

interface TrlLine {
  id: number;
  images: string[];
  prompt: Array<{ role: string; content: Array<{ type: string; text?: string }> }>;
  chosen: Array<{ role: string; content: Array<{ type: string; text?: string }> }>;
  rejected: Array<{ role: string; content: Array<{ type: string; text?: string }> }>;
  status: string;
}

const text = (turns: TrlLine['chosen']): string => turns.flatMap((t) => t.content.filter((c) => c.type === 'text').map((c) => c.text)).join('\n');

let served: ServedWorkspace | undefined;
test.afterEach(() => served?.stop());

test('import, curate with the keyboard, export', async ({ page }, testInfo) => {
  const dir = mkdtempSync(join(tmpdir(), 'pivot-e2e-'));
  await runPivot(['data', 'shapes', '--out', join(dir, 'shapes'), '--count', '8', '--seed', '11']);
  const dataset = join(dir, 'shapes', 'pairs.jsonl');
  const good = readFileSync(dataset, 'utf8').trim().split('\n').length;
  appendFileSync(dataset, `${JSON.stringify({ images: ['images/000000.png'], prompt: 'What colour?', rejected: 'Red.' })}\n`);
  appendFileSync(dataset, `${JSON.stringify({ images: ['../escape.png'], prompt: 'What colour?', chosen: 'Red.', rejected: 'Blue.' })}\n`);

  served = await servePivot(join(dir, 'workspace'));
  await page.goto(served.url);
  await expect(page.getByTestId('count-total')).toHaveText('0');

  // Import through the window; the report lists each rejected record with its line and reason.
  await page.getByTestId('open-import').click();
  await page.getByTestId('import-path').fill(dataset);
  await page.getByTestId('import-run').click();
  await expect(page.getByTestId('import-report')).toBeVisible();
  await expect(page.getByTestId('import-imported')).toHaveText(String(good));
  await expect(page.getByTestId('import-rejected-row')).toHaveCount(2);
  await expect(page.getByTestId('import-rejected-where').nth(0)).toContainText(String(good + 1));
  await expect(page.getByTestId('import-rejected-reason').nth(0)).toHaveText('missing field "chosen"');
  await expect(page.getByTestId('import-rejected-reason').nth(1)).toHaveText('image path "../escape.png" leaves the dataset folder');
  await page.screenshot({ path: testInfo.outputPath('import-report.png') });
  await page.getByTestId('import-close').click();
  await expect(page.getByTestId('count-total')).toHaveText(String(good));
  await expect(page.getByTestId('count-pending')).toHaveText(String(good));

  // Curate with the keyboard: accept, reject, swap then accept, undo that accept, accept again.
  await page.getByTestId('pair-row').first().click();
  await expect(page.getByTestId('pair-id')).toContainText('1');
  await page.keyboard.press('a');
  await expect(page.getByTestId('pair-id')).toContainText('2');
  await page.keyboard.press('r');
  await expect(page.getByTestId('pair-id')).toContainText('3');
  const chosenBefore = (await page.getByTestId('pair-chosen').textContent())!.trim();
  const rejectedBefore = (await page.getByTestId('pair-rejected').textContent())!.trim();
  await page.keyboard.press('s');
  await expect(page.getByTestId('pair-chosen')).toHaveText(rejectedBefore);
  await expect(page.getByTestId('pair-rejected')).toHaveText(chosenBefore);
  await page.keyboard.press('a');
  await expect(page.getByTestId('count-accepted')).toHaveText('2');
  await page.keyboard.press('u');
  await expect(page.getByTestId('count-accepted')).toHaveText('1');
  await expect(page.getByTestId('pair-id')).toContainText('3');
  await expect(page.getByTestId('pair-chosen')).toHaveText(rejectedBefore);
  await page.keyboard.press('a');
  await expect(page.getByTestId('count-accepted')).toHaveText('2');
  await expect(page.getByTestId('count-rejected')).toHaveText('1');
  await expect(page.getByTestId('count-pending')).toHaveText(String(good - 3));
  await page.keyboard.press('?');
  await expect(page.getByTestId('help-overlay')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('help-overlay')).toBeHidden();
  await page.getByTestId('pair-row').nth(5).click();
  await page.screenshot({ path: testInfo.outputPath('curation.png') });
  if (process.env.UPDATE_SCREENSHOT) await page.screenshot({ path: 'docs/screenshot.png' });

  // Export the accepted pairs through the window and check the file TRL will read (an export makes no folders).
  const out = join(dir, 'export', 'pairs.jsonl');
  mkdirSync(dirname(out));
  await page.getByTestId('open-export').click();
  await page.getByTestId('export-path').fill(out);
  await page.getByTestId('export-run').click();
  await expect(page.getByTestId('export-written')).toHaveText('2');
  const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TrlLine);
  expect(lines.map((l) => l.id)).toEqual([1, 3]);
  expect(lines.every((l) => l.status === 'accepted')).toBe(true);
  expect(text(lines[1]!.chosen)).toBe(rejectedBefore);
  expect(text(lines[1]!.rejected)).toBe(chosenBefore);
  for (const line of lines) {
    expect(line.images).toHaveLength(1);
    expect(existsSync(join(dirname(out), line.images[0]!))).toBe(true);
    expect(line.prompt[0]!.content[0]).toEqual({ type: 'image' });
  }
});
