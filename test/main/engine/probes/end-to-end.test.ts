// Smoke test with real values: a randomly initialised toy CLIP on a 60-image Shapes world, through the
// folder loader, the encoder adapter, the linear probe and the segmentation probe.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../src-main/engine/backend/select';
import { writeShapesWorld } from '../../../../src-main/engine/data/shapes';
import { CLIPVisionConfig, CLIPVisionModel } from '../../../../src-main/engine/models/clip';
import { encodePatchTokens, visionModelEncoder } from '../../../../src-main/engine/probes/encoder';
import { loadImages, loadMasks } from '../../../../src-main/engine/probes/image-decode';
import { defaultImageProcessor } from '../../../../src-main/engine/models/hf/image-processor';
import { shapesWorldDataset } from '../../../../src-main/engine/probes/image-folder';
import { extractPooledFeatures, linearProbe, LINEAR_PROBE_PROTOCOL, poolPatchTokens } from '../../../../src-main/engine/probes/linear-probe';
import { segmentationProbe, SEGMENTATION_PROBE_PROTOCOL } from '../../../../src-main/engine/probes/segmentation-probe';

const dir = mkdtempSync(join(tmpdir(), 'pivot-probe-e2e-'));
beforeAll(async () => {
  await selectBackend('cpu');
  await writeShapesWorld({ out: dir, count: 60, seed: 3 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('probes on a toy CLIP and a Shapes world', () => {
  it('give numbers between chance and ceiling, with spread over 3 seeds', async () => {
    const model = CLIPVisionModel.randomInit(new CLIPVisionConfig({ hidden_size: 32, intermediate_size: 64, num_hidden_layers: 2, num_attention_heads: 2, image_size: 32, patch_size: 4 }), 11);
    const encoder = visionModelEncoder(model);
    expect(encoder).toMatchObject({ imageSize: 32, grid: [8, 8], layer: 1, hasClassToken: true });
    const dataset = await shapesWorldDataset(dir);
    const images = await loadImages(dataset.items.map((i) => i.image), defaultImageProcessor('clip', encoder.imageSize));

    // One encoder pass serves both probes; the streaming path gives the same rows.
    const encoded = await encodePatchTokens(encoder, images, encoder.imageSize);
    const pooled = poolPatchTokens(encoded, { withCls: true });
    expect([pooled.n, pooled.dim]).toEqual([60, 64]);
    const streamed = await extractPooledFeatures(encoder, images.slice(0, 5), encoder.imageSize, { withCls: true, batchSize: 2 });
    Array.from(streamed.data).forEach((v, j) => expect(v).toBeCloseTo(pooled.data[j] as number, 6));
    const linear = linearProbe(pooled, dataset.items.map((i) => i.label ?? -1), { classNames: dataset.labelNames, split: dataset.items.map((i) => i.split) });
    expect(linear.protocol).toBe(LINEAR_PROBE_PROTOCOL);
    expect(linear.accuracy.perSeed).toHaveLength(3);
    for (const a of linear.accuracy.perSeed) expect(a).toBeGreaterThanOrEqual(0), expect(a).toBeLessThanOrEqual(1);
    expect(Number.isFinite(linear.accuracy.std)).toBe(true);
    expect(linear.chance.uniform).toBeGreaterThan(1 / 37);
    expect(linear.chance.uniform).toBeLessThan(0.1);
    expect(linear.perClass).toHaveLength(36);
    expect(linear.trainAccuracy.mean).toBeGreaterThan(linear.chance.uniform);
    expect(linear.perSeed.every((s) => s.converged)).toBe(true);

    const { tokens, channels } = encoded;
    const masks = await loadMasks(dataset.items.map((i) => ({ image: i.image, mask: i.mask as string })));
    const seg = await segmentationProbe(
      { tokens, grid: encoder.grid, channels, masks, numClasses: dataset.maskClassNames.length, classNames: dataset.maskClassNames, split: dataset.items.map((i) => i.split), ids: dataset.items.map((i) => i.id) },
      { seeds: [0, 1, 2], hidden: 32, batchSize: 32, learningRate: 1e-2 },
    );
    expect(seg.protocol).toBe(SEGMENTATION_PROBE_PROTOCOL);
    expect(seg.macroRecall.perSeed).toHaveLength(3);
    // Even a random encoder's tokens carry colour, so the head beats the constant predictor. (LR 1e-2: at the
    // protocol's 1e-3, 5 epochs over 54 images are too few steps to leave the background prior.)
    expect(seg.macroRecall.mean).toBeGreaterThan(seg.chance.macroRecall);
    expect(seg.macroRecall.mean).toBeLessThan(1);
    expect(seg.macroRecall.std).toBeGreaterThanOrEqual(0);
    expect(seg.mIoU.mean).toBeGreaterThan(0);
    expect(seg.mIoU.mean).toBeLessThanOrEqual(seg.ceiling.mIoU);
    expect(seg.ceiling.mIoU).toBeLessThan(1); // 8-px patches cannot trace 64-px shapes exactly
    expect(seg.perClass).toHaveLength(37);
    const first = seg.predictions?.images[0];
    expect([first?.width, first?.height, first?.classes.length]).toEqual([64, 64, 64 * 64]);
    console.log(`linear ${linear.accuracy.mean.toFixed(3)} ± ${linear.accuracy.std.toFixed(3)} (chance ${linear.chance.uniform.toFixed(3)}, majority ${linear.chance.majority.toFixed(3)}, C ${linear.perSeed.map((s) => s.chosenC)}); ` +
      `seg macro recall ${seg.macroRecall.mean.toFixed(3)} ± ${seg.macroRecall.std.toFixed(3)} (chance ${seg.chance.macroRecall.toFixed(3)}), mIoU ${seg.mIoU.mean.toFixed(3)} (ceiling ${seg.ceiling.mIoU.toFixed(3)})`);
    model.dispose();
  });
});
