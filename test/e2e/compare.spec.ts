// End to end, in Chromium against `pivot serve`: a quick study started from the Compare tab, then its report — the
// encoder table, Grad-CAM maps loaded over the token-protected report route, segmentation maps drawn on canvases —
// and the tab stays responsive: opening it and moving its controls leave no long freeze (issue 12, bug 1).
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, test, type Locator } from '@playwright/test';
import sharp from 'sharp';
import { formatCell, formatDifference } from '../../src-renderer/src/lib/compare-table';
import type { StudyReportAsWritten } from '../../src-shared/domain/study-report';
import { difference } from '../../src-shared/stats/difference';
import type { ReportExamplesIndex } from '../../src-shared/domain/study-examples';
import { recordLongTasks, responseTime, takeLongTasks } from './responsiveness';
import { servePivot, type ServedWorkspace } from './server';

let served: ServedWorkspace | undefined;
test.afterEach(() => served?.stop());

/** Opaque pixels of a canvas (0 when nothing is drawn yet, or when it is tainted). */
function opaquePixels(c: HTMLCanvasElement): number {
  const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data;
  let opaque = 0;
  for (let i = 3; data && i < data.length; i += 4) if (data[i]! > 0) opaque++;
  return opaque;
}

/** The report.json the study wrote somewhere under the workspace (the only one there). */
function studyReportFile(workspace: string): string {
  const found = readdirSync(workspace, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('report.json'));
  expect(found).toHaveLength(1);
  return join(workspace, found[0]!);
}

/** Class ids of a grey class-id PNG (the red channel), with its width. */
async function classIdsOf(file: string): Promise<{ ids: Uint8Array; width: number }> {
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  const ids = new Uint8Array(info.width * info.height);
  for (let i = 0; i < ids.length; i++) ids[i] = data[i * info.channels]!;
  return { ids, width: info.width };
}

/** The RGB of a canvas's pixel at (x, y). */
function canvasPixel(canvas: Locator, x: number, y: number): Promise<number[]> {
  return canvas.evaluate((c: HTMLCanvasElement, [px, py]) => [...c.getContext('2d')!.getImageData(px!, py!, 1, 1).data.slice(0, 3)], [x, y]);
}

test('compare the encoders of a quick study', async ({ page }, testInfo) => {
  test.setTimeout(300_000);
  const workspace = join(mkdtempSync(join(tmpdir(), 'pivot-e2e-compare-')), 'ws');
  served = await servePivot(workspace);
  await recordLongTasks(page);
  await page.goto(served.url);
  await page.getByTestId('nav-compare').click();
  await expect(page.getByTestId('compare-empty')).toBeVisible();

  // The study, started from the window: it runs in an engine host, shows its phase, and opens its report.
  await page.getByTestId('new-study').click();
  await page.getByTestId('new-study-recipe').selectOption('shapes-quick');
  await page.getByTestId('new-study-quick').check();
  await page.getByTestId('new-study-seeds').fill('2');
  await page.getByTestId('new-study-start').click();
  await expect(page.getByTestId('new-study-phase')).toContainText(/\S/);
  await page.getByTestId('new-study-close').click();

  const table = page.getByTestId('compare-table');
  await expect(table).toBeVisible({ timeout: 180_000 });
  await expect(table).toContainText('linear-probe/mean-pooled-l2');
  await expect(page.getByTestId('compare-row')).toHaveCount(10);
  await expect(table).toContainText('qa-accuracy/candidate-ranking');

  // Every cell shows the report.json's number as the window formats it, and DPO − SFT its interval from those cells.
  const reportFile = studyReportFile(workspace);
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as StudyReportAsWritten;
  expect(report.rows).toHaveLength(10);
  for (const row of report.rows) {
    const shown = page.locator(`[data-testid="compare-row"][data-key="${row.key}"]`);
    for (const [column, cell] of Object.entries(row.cells)) await expect(shown.getByTestId(`cell-${column}`)).toHaveText(formatCell(cell));
    const d = difference(row.cells.dpo, row.cells.sft);
    if (d) await expect(shown.getByTestId('delta-dpo')).toContainText(formatDifference(d));
  }

  const sftMap = page.getByTestId('gradcam-map-sft').locator('img');
  await expect(sftMap).toBeVisible();
  await expect.poll(() => sftMap.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(256);
  await expect(page.getByTestId('gradcam-focus-dpo')).toHaveText(/\d\.\d{3}/);

  // A drawn prediction canvas has opaque pixels (a tainted or empty canvas would not); rows are drawn once on screen.
  const canvas = page.getByTestId('seg-pred-dpo').first().locator('canvas');
  await canvas.scrollIntoViewIfNeeded();
  await expect.poll(() => canvas.evaluate(opaquePixels)).toBeGreaterThan(0);
  await page.screenshot({ path: testInfo.outputPath('compare.png'), fullPage: true });
  if (process.env.UPDATE_SCREENSHOT) await page.screenshot({ path: 'docs/compare.png' });

  // At full overlay opacity a pixel is its class's palette colour: the truth and DPO panels of the first image show,
  // at a pixel of a foreground class, the colours of the classes its written PNGs hold there.
  const index = JSON.parse(readFileSync(join(dirname(reportFile), 'examples/examples.json'), 'utf8')) as ReportExamplesIndex;
  const firstRow = page.getByTestId('seg-image-row').first();
  const firstId = await firstRow.getAttribute('data-id');
  const example = index.segmentation.find((e) => e.id === firstId)!;
  await page.evaluate(() => {
    const el = document.querySelector('[data-testid="seg-opacity"]') as HTMLInputElement;
    el.value = '1';
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
  const truth = await classIdsOf(join(dirname(reportFile), example.truth));
  const predicted = await classIdsOf(join(dirname(reportFile), example.predictions.dpo!));
  const at = truth.ids.findIndex((id) => id !== 0 && id !== 255);
  expect(at).toBeGreaterThanOrEqual(0);
  const [x, y] = [at % truth.width, Math.floor(at / truth.width)];
  const colour = (id: number): number[] => index.classes.find((c) => c.id === id)!.rgb;
  await expect.poll(() => canvasPixel(firstRow.locator('figure').nth(1).locator('canvas'), x, y)).toEqual(colour(truth.ids[at]!));
  await expect.poll(() => canvasPixel(firstRow.getByTestId('seg-pred-dpo').locator('canvas'), x, y)).toEqual(colour(predicted.ids[at]!));

  // Standard Grad-CAM beside the study's variant: the method toggle swaps the maps and names the protocol.
  await page.getByTestId('gradcam-method').selectOption('layer');
  const layerMap = page.getByTestId('gradcam-map-sft').locator('img');
  await expect(layerMap).toHaveAttribute('src', /gradcam-layer-sft\.png/);
  await expect.poll(() => layerMap.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(256);
  await expect(page.getByTestId('gradcam-protocol')).toContainText('gradcam-focus/layer/hidden-state-');

  // Wheel over one segmentation panel zooms every panel to the same view.
  await canvas.scrollIntoViewIfNeeded();
  await canvas.hover();
  await page.mouse.wheel(0, -310);
  await expect(page.getByTestId('seg-zoom')).toHaveText('×2.0');
  const views = await page.getByTestId('seg-viewer').getByTestId('zoom-content').evaluateAll((els) => els.map((e) => (e as HTMLElement).style.transform));
  expect(new Set(views).size).toBe(1);
  expect(views[0]).toContain('scale(2)');

  // Opening the tab again (its report's ~40 example images decoded and drawn anew) never freezes the window: the
  // long tasks it causes add up to under 1.5 s (17.4 s before the viewer drew only what changed; 0.5–0.6 s after,
  // on a loaded 2-core machine: the bound leaves room for that load).
  await page.getByTestId('nav-training').click();
  await takeLongTasks(page);
  const opened = Date.now();
  await page.getByTestId('nav-compare').click();
  const reopened = page.getByTestId('seg-pred-dpo').first().locator('canvas');
  await reopened.scrollIntoViewIfNeeded();
  await expect.poll(() => reopened.evaluate(opaquePixels)).toBeGreaterThan(0);
  await page.waitForTimeout(Math.max(0, 3000 - (Date.now() - opened)));
  const openingLongTasks = (await takeLongTasks(page)).totalMs;
  console.log(`compare tab: long tasks on opening ${openingLongTasks.toFixed(0)} ms`);
  expect(openingLongTasks).toBeLessThan(1500);

  // A control answers within a frame or two: the overlay opacity and a class toggle redraw what is on screen (the
  // toggle three times, so the class ends hidden).
  const opacityMs = await responseTime(page, '[data-testid="seg-opacity"]', 'range');
  const toggleMs = await responseTime(page, '[data-testid="seg-class-1"] input', 'click');
  console.log(`compare tab: opacity ${opacityMs.toFixed(0)} ms, class toggle ${toggleMs.toFixed(0)} ms`);
  expect(opacityMs).toBeLessThan(100);
  expect(toggleMs).toBeLessThan(100);
  await expect(page.getByTestId('seg-class-1')).toHaveAttribute('data-hidden', 'true');

  // Hovering a panel names the truth and each encoder's predicted class at the pixel under the pointer.
  await page.getByTestId('seg-pred-dpo').first().getByTestId('zoom-frame').hover();
  await expect(page.getByTestId('seg-hover')).toHaveText(/^\(\d+, \d+\): truth [^·]+ · (original [^·]+ · )?SFT [^·]+ · DPO [^·]+$/);
});
