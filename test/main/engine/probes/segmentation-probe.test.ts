// Segmentation probe: the metric arithmetic on a hand-worked example, a class written into the tokens
// (→ recall and mIoU 1), constant tokens (→ recall 1/classes present), and the result's fields.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../src-main/engine/backend/select';
import type { ClassMask } from '../../../../src-main/engine/probes/mask-png';
import { addConfusion, patchLabels, scoresFromConfusion, upsampleBilinearArgmax, upsampleNearest } from '../../../../src-main/engine/probes/segmentation-metrics';
import { segmentationProbe, SEGMENTATION_PROBE_PROTOCOL, type SegmentationProbeInput } from '../../../../src-main/engine/probes/segmentation-probe';
import { Rng, spreadSeed } from '../../../../src-main/engine/random';

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('segmentation metrics (hand-worked)', () => {
  it('per-class recall and IoU of a 2×2 patch grid', () => {
    // truth [0 0 / 1 2], prediction [0 1 / 1 1]:
    // class 0: TP 1, FN 1, FP 0 → recall 1/2, IoU 1/2; class 1: TP 1, FN 0, FP 2 → recall 1, IoU 1/3;
    // class 2: TP 0, FN 1 → recall 0, IoU 0; class 3 absent → null. Macro recall 1/2, mIoU 5/18.
    const confusion = new Float64Array(16);
    addConfusion(confusion, [0, 0, 1, 2], [0, 1, 1, 1], 4);
    const s = scoresFromConfusion(confusion, 4);
    expect(s.recall).toEqual([0.5, 1, 0, null]);
    expect(s.iou[0]).toBe(0.5);
    expect(s.iou[1]).toBeCloseTo(1 / 3, 15);
    expect(s.iou[2]).toBe(0);
    expect(s.iou[3]).toBeNull();
    expect(s.macroRecall).toBe(0.5);
    expect(s.mIoU).toBeCloseTo(5 / 18, 15);
    expect(s.accuracy).toBe(0.5);
    expect(s.classesPresent).toBe(3);
  });

  it('labels each patch with the majority of its pixels, ties to the lower id, ignore skipped', () => {
    // 4×4 mask on a 2×2 grid. Top-left patch: 3×class 2, 1×class 1 → 2. Top-right: 2×1, 2×3 → 1 (tie).
    // Bottom-left: all 255 → −1. Bottom-right: 255, 255, 255, 0 → 0.
    const data = Uint8Array.from([2, 2, 1, 1, 2, 1, 3, 3, 255, 255, 255, 255, 255, 255, 255, 0]);
    expect(Array.from(patchLabels({ width: 4, height: 4, data }, [2, 2], 4))).toEqual([2, 1, -1, 0]);
    expect(() => patchLabels({ width: 1, height: 1, data: Uint8Array.from([9]) }, [1, 1], 4)).toThrow('mask has class id 9, but there are only 4 classes (0..3; 255 = ignore)');
  });

  it('upsamples by nearest and by bilinear logits (half-pixel centres)', () => {
    expect(Array.from(upsampleNearest([1, 2, 3, 4], [2, 2], 4, 4))).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
    // 1×2 grid, 2 classes: the left patch says class 0 (logit 1 vs 0), the right class 1 (0 vs 3). On 4
    // px the sources are −0.25 → 0, 0.25, 0.75, 1.25 → 1: logit gap (class1 − class0) −1, 0, 2, 3.
    const logits = Float32Array.from([1, 0, 0, 3]);
    expect(Array.from(upsampleBilinearArgmax(logits, [1, 2], 2, 4, 1))).toEqual([0, 0, 1, 1]);
  });
});

/** Images on a 4×4 grid, 16 px masks, 3 classes; each patch's class written into the mask block. */
function world(n: number, seed: number, token: (cls: number, rng: Rng) => number[]): SegmentationProbeInput {
  const rng = new Rng(spreadSeed(seed));
  const tokens: Float32Array[] = [];
  const masks: ClassMask[] = [];
  for (let i = 0; i < n; i++) {
    const classes = Array.from({ length: 16 }, () => Math.floor(rng.next() * 3));
    tokens.push(Float32Array.from(classes.flatMap((c) => token(c, rng))));
    const data = new Uint8Array(16 * 16);
    for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) data[y * 16 + x] = classes[Math.floor(y / 4) * 4 + Math.floor(x / 4)] as number;
    masks.push({ width: 16, height: 16, data });
  }
  return { tokens, grid: [4, 4], channels: 8, masks, numClasses: 3, classNames: ['background', 'a', 'b'] };
}

describe('segmentation probe', () => {
  it('reaches macro recall 1 and mIoU 1 when the class is written into one channel', async () => {
    // Channel `cls` carries 4, the rest small noise: a linear read-out exists, so the MLP must find it.
    const input = world(100, 1, (cls, rng) => Array.from({ length: 8 }, (_, j) => (j === cls ? 4 : 0.1 * (rng.next() - 0.5))));
    const r = await segmentationProbe(input, { seeds: [0, 1], batchSize: 32, hidden: 64 });
    expect(r.protocol).toBe(SEGMENTATION_PROBE_PROTOCOL);
    expect(r.macroRecall.perSeed).toEqual([1, 1]);
    expect(r.mIoU.perSeed).toEqual([1, 1]);
    expect(r.macroRecall).toMatchObject({ mean: 1, std: 0 });
    expect(r.ceiling).toEqual({ macroRecall: 1, mIoU: 1 });
    expect(r.perClass.map((c) => [c.name, c.recall?.mean, c.iou?.mean])).toEqual([['background', 1, 1], ['a', 1, 1], ['b', 1, 1]]);
    expect(r.perSeed[0]?.sizes).toMatchObject({ trainImages: 80, testImages: 20, testPatches: 320 });
    // The viewer's maps: the first seed's test images at mask resolution, equal to the masks here.
    const shown = r.predictions?.images ?? [];
    expect(shown).toHaveLength(20);
    for (const img of shown) expect(Array.from(img.classes)).toEqual(Array.from((input.masks[img.index] as ClassMask).data));
  });

  it('scores 1/classes-present when every token is the same', async () => {
    const input = world(40, 2, () => [0.5, -0.2, 0.1, 0, 0, 0.3, 0, 1]);
    const r = await segmentationProbe(input, { seeds: [3], upsample: 'bilinear' });
    expect(r.macroRecall.perSeed[0]).toBeCloseTo(1 / 3, 12);
    expect(r.chance.macroRecall).toBeCloseTo(1 / 3, 12);
    expect(r.upsample).toBe('bilinear');
  });

  it('is deterministic for a seed and frees its tensors', async () => {
    const input = world(30, 3, (cls, rng) => Array.from({ length: 8 }, (_, j) => (j === cls ? 1 : 0) + rng.next()));
    const before = tf.memory().numTensors;
    const a = await segmentationProbe(input, { seeds: [5], keepPredictions: false });
    const b = await segmentationProbe(input, { seeds: [5], keepPredictions: false });
    expect(a).toEqual(b);
    expect(a.predictions).toBeUndefined();
    expect(tf.memory().numTensors).toBe(before);
  });
});
