// The focus score of Grad-CAM maps over a small Shapes world: the union of a question's target instances as the
// mask, known maps scoring exactly 1 and the chance level, the batch helper's summary, and the PNG renderings.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { focusScore } from '../../../../src-main/engine/analysis/focus';
import { gradcamFocus, shapesTargets, targetMask } from '../../../../src-main/engine/analysis/gradcam-focus';
import { heatColour, renderHeatmapPng } from '../../../../src-main/engine/analysis/gradcam-render';
import { selectBackend } from '../../../../src-main/engine/backend/select';
import { writeShapesWorld } from '../../../../src-main/engine/data/shapes';
import { shapesTokenizerText } from '../../../../src-main/engine/data/shapes/tokenizer';
import { createPresetMllm, saveMllm, type Mllm } from '../../../../src-main/engine/models/mllm';
import { readMaskPng } from '../../../../src-main/engine/probes/mask-png';
import { startPivot } from '../../cli/run-pivot';

const world = mkdtempSync(join(tmpdir(), 'pivot-gradcam-'));
let model: Mllm;

beforeAll(async () => {
  await selectBackend('cpu');
  await writeShapesWorld({ out: world, count: 8, seed: 3, size: 32, difficulty: 'easy' });
  model = createPresetMllm('toy', { tokenizerFiles: { 'tokenizer.json': shapesTokenizerText() }, tokenizerSource: 'shapes', seed: 4 });
  await saveMllm(model, join(world, 'checkpoint'));
});
afterAll(() => {
  model.dispose();
  rmSync(world, { recursive: true, force: true });
});

describe('target masks', () => {
  it('are the union of the target instances of the instance map', async () => {
    const { targets } = shapesTargets(world, 'all');
    const multi = targets.find((t) => t.targets.length > 1) ?? targets[0]!;
    const mask = await targetMask(world, multi.imageId, multi.targets);
    const instances = await readMaskPng(join(world, 'instances', `${multi.imageId}.png`));
    expect([mask.width, mask.height]).toEqual([32, 32]);
    instances.data.forEach((id, i) => expect(mask.data[i]).toBe(multi.targets.includes(id) ? 1 : 0));
    expect(mask.data.some((v) => v === 1)).toBe(true);
  });

  it('score a map equal to the mask 1, and a uniform map the mask area fraction', async () => {
    const { targets } = shapesTargets(world, 'all');
    const t = targets[0]!;
    const mask = await targetMask(world, t.imageId, t.targets);
    const area = mask.data.reduce((n, v) => n + v, 0) / mask.data.length;
    const at = (map: ArrayLike<number>, grid: number) => focusScore({ map, gridH: grid, gridW: grid, mask: mask.data, width: 32, height: 32 });
    expect(at(mask.data, 32)).toEqual({ score: 1, maskFraction: area });
    expect(at(new Float32Array(16).fill(0.3), 4).score).toBeCloseTo(area, 6);
  });
});

describe('gradcamFocus', () => {
  it('scores the maps of a world\'s pairs: per-sample values, mean ± std and the chance level', async () => {
    const progress: number[] = [];
    const r = await gradcamFocus(model, world, { method: 'projector-l1', objective: 'dpo', samples: 3, split: 'all', onSample: (done) => progress.push(done) });
    expect(progress).toEqual([1, 2, 3]);
    expect(r).toMatchObject({ method: 'projector-l1', objective: 'dpo', split: 'all', gridH: 4, gridW: 4, n: 3, skipped: 0 });
    expect(r.perSample).toHaveLength(3);
    const scores = r.samples.map((s) => s.score as number);
    expect(r.mean).toBeCloseTo(scores.reduce((a, b) => a + b, 0) / 3, 10);
    expect(r.std).toBeGreaterThanOrEqual(0);
    expect(r.chance).toBeCloseTo(r.samples.reduce((a, s) => a + s.maskFraction, 0) / 3, 10);
    for (const s of r.samples) {
      expect(s.score).toBeGreaterThanOrEqual(0);
      expect(s.score).toBeLessThanOrEqual(1);
      expect(s.loss).toBeCloseTo(Math.LN2, 5);
    }
  });
});

describe('heat-map PNGs', () => {
  it('have the requested size and the fixed colour scale', async () => {
    const map = Float32Array.from([0, 0, 0, 1]);
    const png = await renderHeatmapPng(map, 2, 2, { size: 40 });
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([40, 40, 3]);
    expect(Array.from(data.subarray(0, 3))).toEqual(heatColour(0));
    expect(Array.from(data.subarray(data.length - 3))).toEqual(heatColour(1));
    expect(heatColour(0)).toEqual([68, 1, 84]);
    expect(heatColour(1)).toEqual([253, 231, 37]);
  });

  it('blend over the image and outline the mask', async () => {
    const image = { data: new Uint8Array(8 * 8 * 3).fill(200), width: 8, height: 8 };
    const mask = { data: Uint8Array.from({ length: 64 }, (_, i) => (i % 8 >= 2 && i % 8 < 6 && i >= 16 && i < 48 ? 1 : 0)), width: 8, height: 8 };
    const png = await renderHeatmapPng(new Float32Array(4), 2, 2, { size: 16, image, maskOutline: mask, outlineColour: [255, 0, 0] });
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([16, 16]);
    const pixel = (x: number, y: number) => Array.from(data.subarray((y * 16 + x) * 3, (y * 16 + x) * 3 + 3));
    expect(pixel(0, 0)).toEqual(heatColour(0).map((c) => Math.round(0.5 * c + 0.5 * 200)));
    expect(pixel(4, 4)).toEqual([255, 0, 0]); // the mask's top-left corner (8 px → 16 px: x, y 4..11)
    expect(pixel(7, 7)).not.toEqual([255, 0, 0]); // its inside
  });
});

describe('pivot probe gradcam', () => {
  it('prints the focus summary as one JSON object and writes a PNG per sample', async () => {
    const out = join(world, 'maps');
    const args = ['probe', 'gradcam', '--checkpoint', join(world, 'checkpoint'), '--data', world, '--objective', 'dpo', '--samples', '2', '--split', 'all', '--out', out, '--size', '64', '--backend', 'cpu', '--json'];
    const { code, stdout, stderr } = await startPivot(args).done;
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as { n: number; chance: number; grid: number[]; perSample: { png: string; score: number }[] };
    expect(report).toMatchObject({ method: 'projector-l1', objective: 'dpo', split: 'all', n: 2, grid: [4, 4] });
    expect(report.perSample).toHaveLength(2);
    expect(readdirSync(out).filter((f) => f.endsWith('.png'))).toHaveLength(2);
    expect(readdirSync(out)).toContain('gradcam.json');
    const meta = await sharp(report.perSample[0]!.png).metadata();
    expect([meta.width, meta.height]).toEqual([64, 64]);
  });
});
