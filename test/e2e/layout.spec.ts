// End to end, in Chromium against `pivot serve` at 1024×700 (issue 12, "Layout at 1024×700"): the header's status
// counts keep their labels and stay inside the window, the Compare table's last column can be reached (the table
// scrolls sideways within its pane), and the run list shows its runs on screen. Along the way: the window's first load
// fetches only the curation screen's code, brotli-compressed; the other screens and the charts come when opened.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Locator } from '@playwright/test';
import { Workspace } from '../../src-main/store/workspace';
import { smallReport } from '../renderer/compare-report';
import { runPivot, servePivot, type ServedWorkspace } from './server';

const VIEWPORT = { width: 1024, height: 700 };

let served: ServedWorkspace | undefined;
test.afterEach(() => served?.stop());
test.use({ viewport: VIEWPORT });

async function box(locator: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  const b = await locator.boundingBox();
  expect(b, 'laid out').not.toBeNull();
  return b!;
}

/** A workspace with a few pairs, three runs and one study report. */
async function workspace(): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'pivot-layout-'));
  const ws = join(root, 'ws');
  await runPivot(['data', 'shapes', '--out', join(root, 'shapes'), '--count', '4', '--json']);
  await runPivot(['data', 'import', join(root, 'shapes', 'pairs.jsonl'), '--workspace', ws, '--json']);
  const workspace = Workspace.open(ws);
  for (let i = 0; i < 3; i++) workspace.runs.create({ recipe: 'shapes-quick', objective: 'dpo', backend: 'cpu', data: null, ownerPid: process.pid });
  workspace.close();
  const report = smallReport();
  // Long column titles (encoders as a sweep names them) make the table wider than the pane.
  report.encoders = { ...report.encoders, 'sweep-lr-0.0001-beta-0.1': { ...report.encoders.dpo!, column: 'sweep-lr-0.0001-beta-0.1' } };
  for (const row of report.rows) row.cells['sweep-lr-0.0001-beta-0.1'] = row.cells.dpo ?? null;
  mkdirSync(join(ws, 'reports', 'r1'), { recursive: true });
  writeFileSync(join(ws, 'reports', 'r1', 'report.json'), JSON.stringify(report));
  return ws;
}

test('the window at 1024×700: header labels, the Compare table and the run list', async ({ page }) => {
  served = await servePivot(await workspace());
  const scripts: Array<{ name: string; encoding: string | undefined }> = [];
  page.on('response', (res) => {
    const name = new URL(res.url()).pathname.split('/').pop() ?? '';
    if (name.endsWith('.js')) scripts.push({ name, encoding: res.headers()['content-encoding'] });
  });
  await page.goto(served.url);
  await expect(page.getByTestId('count-total')).not.toHaveText('–');
  const firstLoad = scripts.map((s) => s.name);
  expect(firstLoad.some((n) => n.startsWith('index-'))).toBe(true);
  expect(firstLoad.filter((n) => /^(TrainingView|CompareView|RunCharts)-/.test(n))).toEqual([]);
  expect(scripts.every((s) => s.encoding === 'br')).toBe(true);

  // Every status count keeps its label, and the header's content stays inside the window.
  for (const label of await page.locator('.header__counts .count__label').all()) {
    await expect(label).toBeVisible();
    const b = await box(label);
    expect(b.width).toBeGreaterThan(10);
    expect(b.x + b.width).toBeLessThanOrEqual(VIEWPORT.width);
  }
  for (const id of ['open-datasets', 'open-import', 'open-export', 'open-help']) {
    const b = await box(page.getByTestId(id));
    expect(b.x + b.width, id).toBeLessThanOrEqual(VIEWPORT.width);
    expect(b.y, id).toBeGreaterThanOrEqual(0);
  }

  // The Compare table: its last column is reachable — within the window, or by scrolling its pane sideways.
  await page.getByTestId('nav-compare').click();
  const table = page.getByTestId('compare-table');
  await expect(table).toBeVisible();
  const lastHeader = table.locator('thead th').last();
  await lastHeader.scrollIntoViewIfNeeded();
  const last = await box(lastHeader);
  expect(last.x).toBeGreaterThanOrEqual(0);
  expect(last.x + last.width).toBeLessThanOrEqual(VIEWPORT.width);
  // The page itself does not scroll sideways: only the table's pane does.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(VIEWPORT.width);

  // The run list: every run's row is on screen, full height, and selecting one shows it.
  await page.getByTestId('nav-training').click();
  const rows = page.getByTestId('run-row');
  await expect(rows).toHaveCount(3);
  for (const row of await rows.all()) {
    const b = await box(row);
    expect(b.height).toBeGreaterThan(30);
    expect(b.y).toBeGreaterThanOrEqual(0);
    expect(b.y + b.height).toBeLessThanOrEqual(VIEWPORT.height);
  }
  await rows.first().click();
  await expect(rows.first()).toHaveAttribute('aria-selected', 'true');
  await expect.poll(() => scripts.some((s) => s.name.startsWith('RunCharts-'))).toBe(true);
});
