// End to end, in Chromium against `pivot serve`: a quick study filed in the workspace, then the Compare tab — the
// encoder table, Grad-CAM maps loaded over the token-protected report route, segmentation maps drawn on canvases.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { runPivot, servePivot, type ServedWorkspace } from './server';

let served: ServedWorkspace | undefined;
test.afterEach(() => served?.stop());

test('compare the encoders of a quick study', async ({ page }, testInfo) => {
  const workspace = join(mkdtempSync(join(tmpdir(), 'pivot-e2e-compare-')), 'ws');
  await runPivot(['demo', '--quick', '--seeds', '2', '--workspace', workspace, '--backend', 'wasm', '--json']);
  served = await servePivot(workspace);
  await page.goto(served.url);
  await page.getByTestId('nav-compare').click();

  const table = page.getByTestId('compare-table');
  await expect(table).toBeVisible();
  await expect(table).toContainText('linear-probe/mean-pooled-l2');
  await expect(page.getByTestId('compare-row')).toHaveCount(7);

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
});
