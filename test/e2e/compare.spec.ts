// End to end, in Chromium against `pivot serve`: a quick study started from the Compare tab, then its report — the
// encoder table, Grad-CAM maps loaded over the token-protected report route, segmentation maps drawn on canvases.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { servePivot, type ServedWorkspace } from './server';

let served: ServedWorkspace | undefined;
test.afterEach(() => served?.stop());

test('compare the encoders of a quick study', async ({ page }, testInfo) => {
  test.setTimeout(300_000);
  const workspace = join(mkdtempSync(join(tmpdir(), 'pivot-e2e-compare-')), 'ws');
  served = await servePivot(workspace);
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

  const sftMap = page.getByTestId('gradcam-map-sft').locator('img');
  await expect(sftMap).toBeVisible();
  await expect.poll(() => sftMap.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(256);
  await expect(page.getByTestId('gradcam-focus-dpo')).toHaveText(/\d\.\d{3}/);

  // A drawn prediction canvas has opaque pixels (a tainted or empty canvas would not).
  const canvas = page.getByTestId('seg-pred-dpo').first().locator('canvas');
  await expect
    .poll(() =>
      canvas.evaluate((c: HTMLCanvasElement) => {
        const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data;
        let opaque = 0;
        for (let i = 3; data && i < data.length; i += 4) if (data[i]! > 0) opaque++;
        return opaque;
      }),
    )
    .toBeGreaterThan(0);
  await page.screenshot({ path: testInfo.outputPath('compare.png'), fullPage: true });
  if (process.env.UPDATE_SCREENSHOT) await page.screenshot({ path: 'docs/compare.png' });

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
});
