// The report's example pictures for the window (examples/ + examples.json), on hand-made inputs: every listed file
// exists, class maps are grey class-id PNGs, per-image recall / IoU come from the prediction against the truth, and
// standard Grad-CAM maps are written beside the study's variant when given (and left out, as in old reports, when not).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { imageScores, writeExamples } from '../../../../src-main/engine/study/examples';
import type { GradcamFocusResult } from '../../../../src-main/engine/analysis/gradcam-focus';
import { readMaskPng } from '../../../../src-main/engine/probes/mask-png';
import { isReportFile } from '../../../../src-shared/domain/report-paths';
import { parseExamplesIndex, type ReportExamplesIndex } from '../../../../src-shared/domain/study-examples';

const root = mkdtempSync(join(tmpdir(), 'pivot-examples-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function png(path: string, width: number, height: number, channels: 1 | 3, fill: (i: number) => number): Promise<string> {
  const data = Buffer.alloc(width * height * channels);
  for (let i = 0; i < data.length; i++) data[i] = fill(i);
  const s = sharp(data, { raw: { width, height, channels } });
  await (channels === 1 ? s.toColourspace('b-w') : s).png().toFile(path);
  return path;
}

function focus(scores: number[], image: string): GradcamFocusResult {
  const mask = { width: 8, height: 8, data: Uint8Array.from({ length: 64 }, (_, i) => (i % 8 < 4 ? 1 : 0)) };
  return {
    gridH: 2, gridW: 2,
    samples: scores.map((score, i) => ({ id: `pair/${i}`, image, question: `Q${i}?`, score, maskFraction: 0.5, loss: 1, map: Float32Array.from([1, 0, 0.5, 0.25]), mask })),
  } as unknown as GradcamFocusResult;
}

describe('writeExamples', () => {
  it('scores one image: macro recall over truth classes, IoU over truth ∪ prediction', () => {
    expect(imageScores([0, 0, 1, 1], [0, 0, 1, 1], 255)).toEqual({ recall: 1, iou: 1 });
    const s = imageScores([0, 0, 1, 255], [0, 1, 1, 0], 255);
    expect(s.recall).toBeCloseTo((0.5 + 1) / 2, 12);
    expect(s.iou).toBeCloseTo((1 / 2 + 1 / 2) / 2, 12);
    expect(imageScores([255], [0], 255)).toEqual({ recall: null, iou: null });
  });

  it('writes examples.json listing files that exist, at most 6 Grad-CAM and 8 segmentation examples', async () => {
    const image = await png(join(root, 'img.png'), 8, 8, 3, (i) => (i * 7) % 256);
    const items: { id: string; image: string; mask: string }[] = [];
    for (let k = 0; k < 10; k++) {
      items.push({ id: `img ${k}`, image, mask: await png(join(root, `mask${k}.png`), 8, 8, 1, (i) => (i < 32 ? 0 : 1 + (k % 2))) });
    }
    const truth = (k: number) => Uint8Array.from({ length: 64 }, (_, i) => (i < 32 ? 0 : 1 + (k % 2)));
    const pred = (shift: number) => items.map((_, k) => ({ index: k, id: `img ${k}`, width: 8, height: 8, classes: truth(k).map((v, i) => (i < shift ? 2 : v)) }));
    const reportDir = join(root, 'report');
    const { file } = await writeExamples(reportDir, {
      gradcam: { original: focus([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7], image), sft: focus([0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8], image), dpo: focus([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3], image) },
      dataset: { items, maskClassNames: ['background', 'circle', 'square'], ignoreIndex: 255 },
      predictions: { original: pred(0), sft: pred(8), dpo: pred(16) },
    });
    expect(file).toBe('examples/examples.json');
    const index = JSON.parse(readFileSync(join(reportDir, file), 'utf8')) as ReportExamplesIndex;
    expect(parseExamplesIndex(index)).toEqual(index);
    expect(index.gradcam).toHaveLength(6);
    expect(index.segmentation).toHaveLength(8);
    expect(index.classes.map((c) => c.name)).toEqual(['background', 'circle', 'square']);
    expect(index.gradcam[0]!.focus).toEqual({ original: 0.1, sft: 0.2, dpo: 0.9 });
    expect(index.gradcamLayer).toBeUndefined();
    expect(index.gradcam[0]!.layerMaps).toBeUndefined();
    expect(Object.keys(index.gradcam[0]!.maps)).toEqual(['original', 'sft', 'dpo']);
    const files = [
      ...index.gradcam.flatMap((g) => [g.image, g.mask, ...Object.values(g.maps)]),
      ...index.segmentation.flatMap((s) => [s.image, s.truth, ...Object.values(s.predictions)]),
    ];
    for (const f of files) {
      expect(isReportFile(f), f).toBe(true);
      expect(existsSync(join(reportDir, f)), f).toBe(true);
    }
    const first = index.segmentation[0]!;
    expect(first.recall.original).toBe(1);
    expect(first.recall.sft).toBeLessThan(1);
    expect(first.iou.dpo).toBeLessThan(first.iou.sft as number);
    // Class maps are grey PNGs whose pixel is the class id, upscaled to 256 nearest.
    const truthPng = await readMaskPng(join(reportDir, first.truth));
    expect(truthPng.width).toBe(256);
    expect(new Set(truthPng.data)).toEqual(new Set([0, 1]));
    const mask = await readMaskPng(join(reportDir, index.gradcam[0]!.mask));
    expect(new Set(mask.data)).toEqual(new Set([0, 255]));
  });

  it('writes the standard Grad-CAM maps and scores of the pairs it was run on, and names the layer', async () => {
    const image = await png(join(root, 'img-layer.png'), 8, 8, 3, (i) => (i * 5) % 256);
    const reportDir = join(root, 'report-layer');
    const { index } = await writeExamples(reportDir, {
      gradcam: { sft: focus([0.2, 0.3, 0.4, 0.5, 0.6, 0.7], image), dpo: focus([0.9, 0.8, 0.7, 0.6, 0.5, 0.4], image) },
      // Fewer pairs than examples: the last two samples have no standard maps.
      gradcamLayer: { layer: 3, protocol: 'gradcam-focus/layer/hidden-state-3', results: { sft: focus([0.125, 0.25, 0.375, 0.5], image), dpo: focus([0.75, 0.625, 0.5, 0.375], image) } },
      dataset: { items: [], maskClassNames: ['background'], ignoreIndex: 255 },
      predictions: {},
    });
    expect(index.gradcamLayer).toEqual({ layer: 3, protocol: 'gradcam-focus/layer/hidden-state-3' });
    expect(index.gradcam).toHaveLength(6);
    expect(index.gradcam[1]!.layerMaps).toEqual({ sft: 'examples/gc-01-pair_1-gradcam-layer-sft.png', dpo: 'examples/gc-01-pair_1-gradcam-layer-dpo.png' });
    expect(index.gradcam[1]!.layerFocus).toEqual({ sft: 0.25, dpo: 0.625 });
    expect(index.gradcam[1]!.focus).toEqual({ sft: 0.3, dpo: 0.8 });
    expect(index.gradcam[4]!.layerMaps).toBeUndefined();
    for (const g of index.gradcam.slice(0, 4)) {
      for (const f of Object.values(g.layerMaps!)) {
        expect(isReportFile(f), f).toBe(true);
        const map = await sharp(join(reportDir, f)).metadata();
        expect([map.width, map.height], f).toEqual([256, 256]);
      }
    }
    const onDisk = parseExamplesIndex(JSON.parse(readFileSync(join(reportDir, 'examples/examples.json'), 'utf8')));
    expect(onDisk).toEqual(index);
  });
});
