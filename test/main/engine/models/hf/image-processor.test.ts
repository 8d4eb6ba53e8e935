// The image processor does what transformers' CLIPImageProcessor / SiglipImageProcessor do: known answers on
// tiny images, the crop box of non-square images, mean / std, the config file both ways, and the resize against a
// float64 reimplementation of Pillow's bicubic (Pillow is not installed here).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ImageCache } from '../../../../../src-main/engine/data/batches/images';
import { mllmConfigToJson, readMllmConfig } from '../../../../../src-main/engine/models/mllm/config';
import {
  CLIP_MEAN,
  CLIP_STD,
  defaultImageProcessor,
  imageProcessorToJson,
  processImage,
  readImageProcessor,
  resizePlan,
  type ImageProcessorConfig,
} from '../../../../../src-main/engine/models/hf/image-processor';

/** A PNG of `width` × `height` RGB pixels, row-major. */
async function png(width: number, height: number, rgb: readonly number[]): Promise<Buffer> {
  return sharp(Buffer.from(rgb), { raw: { width, height, channels: 3 } }).png().toBuffer();
}

/** Pillow's bicubic filter (a = −0.5) and its resampling of one axis, in float64 without its rounding to bytes: written apart from pil-resize.ts, from Resample.c's precompute_coeffs. */
function bicubic(x: number): number {
  const a = -0.5;
  x = Math.abs(x);
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
}
function pilWeights(inSize: number, outSize: number): { start: number; weights: number[] }[] {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = 2 * filterScale;
  return Array.from({ length: outSize }, (_, xx) => {
    const center = (xx + 0.5) * scale;
    const start = Math.max(Math.trunc(center - support + 0.5), 0);
    const end = Math.min(Math.trunc(center + support + 0.5), inSize);
    const weights = [];
    for (let x = start; x < end; x++) weights.push(bicubic((x - center + 0.5) / filterScale));
    const sum = weights.reduce((s, w) => s + w, 0);
    return { start, weights: weights.map((w) => w / sum) };
  });
}
/** PIL's Image.resize((w, h), BICUBIC) on an RGB float image, channel-last. */
function pilResize(src: Float64Array, width: number, height: number, outW: number, outH: number): Float64Array {
  const across = pilWeights(width, outW);
  const down = pilWeights(height, outH);
  const mid = new Float64Array(height * outW * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < outW; x++)
      for (let c = 0; c < 3; c++) {
        const { start, weights } = across[x]!;
        let v = 0;
        weights.forEach((w, k) => (v += w * src[(y * width + start + k) * 3 + c]!));
        // Pillow's intermediate image is 8-bit: Catmull-Rom's overshoot at edges is clipped there, not only at the end.
        mid[(y * outW + x) * 3 + c] = Math.min(255, Math.max(0, v));
      }
  const out = new Float64Array(outH * outW * 3);
  for (let y = 0; y < outH; y++)
    for (let x = 0; x < outW; x++)
      for (let c = 0; c < 3; c++) {
        const { start, weights } = down[y]!;
        let v = 0;
        weights.forEach((w, k) => (v += w * mid[((start + k) * outW + x) * 3 + c]!));
        out[(y * outW + x) * 3 + c] = v;
      }
  return out;
}

const plain = (config: Partial<ImageProcessorConfig>): ImageProcessorConfig => ({ ...defaultImageProcessor('siglip', 2), normalize: null, rescaleFactor: null, ...config });

describe('resize and crop', () => {
  it('CLIP: a 4×2 image, shortest edge 2, cropped to its middle 2×2 (columns 1 and 2)', async () => {
    // Row 0: 10 20 30 40, row 1: 50 60 70 80 (all channels alike but for an offset).
    const values = [10, 20, 30, 40, 50, 60, 70, 80];
    const image = await png(4, 2, values.flatMap((v) => [v, v + 1, v + 2]));
    const config = plain({ type: 'CLIPImageProcessor', resize: { shortestEdge: 2 }, centerCrop: { height: 2, width: 2 } });
    expect(resizePlan(config, 4, 2)).toEqual({ resized: { width: 4, height: 2 }, crop: { left: 1, top: 0, width: 2, height: 2 } });
    expect([...(await processImage(image, config))]).toEqual([20, 30, 60, 70, 21, 31, 61, 71, 22, 32, 62, 72]);
  });

  it('CLIP: the crop box of non-square images (transformers truncates the long side and floors the offsets)', () => {
    const clip = defaultImageProcessor('clip', 224);
    expect(resizePlan(clip, 500, 333)).toEqual({ resized: { width: 336, height: 224 }, crop: { left: 56, top: 0, width: 224, height: 224 } });
    expect(resizePlan(clip, 333, 500)).toEqual({ resized: { width: 224, height: 336 }, crop: { left: 0, top: 56, width: 224, height: 224 } });
    expect(resizePlan(clip, 225, 224)).toEqual({ resized: { width: 225, height: 224 }, crop: { left: 0, top: 0, width: 224, height: 224 } });
    expect(resizePlan(clip, 640, 427).crop).toEqual({ left: 55, top: 0, width: 224, height: 224 }); // resized to 335×224
  });

  it('SigLIP: any aspect straight to height × width, no crop', () => {
    expect(resizePlan(defaultImageProcessor('siglip', 32), 97, 61)).toEqual({ resized: { width: 32, height: 32 }, crop: null });
  });

  it('rescales by rescale_factor and normalises by image_mean / image_std', async () => {
    const image = await png(6, 3, Array.from({ length: 18 }, () => [200, 100, 50]).flat());
    const clip = defaultImageProcessor('clip', 2);
    const pixels = await processImage(image, clip);
    const expected = [200, 100, 50].map((v, c) => Math.fround((v / 255 - CLIP_MEAN[c]!) / CLIP_STD[c]!));
    expect([...pixels]).toEqual(expected.flatMap((v) => [v, v, v, v]));
    const siglip = await processImage(image, defaultImageProcessor('siglip', 2));
    expect([...siglip]).toEqual([200, 100, 50].flatMap((v) => Array(4).fill(Math.fround((v / 255 - 0.5) / 0.5))));
  });
});

describe("the resize against Pillow's bicubic", () => {
  // Measured: max 0.96 (→ 32×32), 0.97 (→ 48×30), 1.01 (→ 194×122), 0.91 (→ 13×9); mean 0.21–0.27.
  // sharp's own resize (kernel cubic, fastShrinkOnLoad off) measured the same way: → 32×32 max 2.9, mean 0.26;
  // → 13×9 max 6.2, mean 0.86; → 194×122 max 111, mean 1.96 (its upscaling ignores the kernel and samples other
  // positions); hence Pillow's algorithm in pil-resize.ts.
  it.each([
    [32, 32],
    [48, 30],
    [194, 122],
    [13, 9],
  ])('is within 1.07 grey levels of a float64 Pillow bicubic, 97×61 → %i×%i (Pillow also rounds to bytes between passes)', async (ow, oh) => {
    const [w, h] = [97, 61];
    // A smooth pattern with edges: what photographs have, without a fixture file.
    const rgb = Array.from({ length: w * h }, (_, i) => {
      const x = i % w;
      const y = Math.floor(i / w);
      return [128 + 100 * Math.sin(x / 5) * Math.cos(y / 7), (x * 3 + y * 2) % 256, x > 40 && y > 20 ? 230 : 20];
    }).flat().map(Math.round);
    const pixels = await processImage(await png(w, h, rgb), plain({ resize: { height: oh, width: ow } }));
    const reference = pilResize(Float64Array.from(rgb), w, h, ow, oh);
    const plane = ow * oh;
    let max = 0;
    let sum = 0;
    for (let c = 0; c < 3; c++)
      for (let i = 0; i < plane; i++) {
        const d = Math.abs(pixels[c * plane + i]! - Math.min(255, Math.max(0, reference[i * 3 + c]!)));
        max = Math.max(max, d);
        sum += d;
      }
    // Two roundings: half a level after the horizontal pass, carried by the vertical kernel (Σ|w| ≤ 1.13 for
    // Catmull-Rom), and half at the end.
    expect(max).toBeLessThan(1.07);
    expect(sum / (3 * plane)).toBeLessThan(0.5);
  });
});

describe('preprocessor_config.json', () => {
  // openai/clip-vit-base-patch16's file (transformers 4.x era: integer sizes).
  const openaiClip = {
    crop_size: 224, do_center_crop: true, do_normalize: true, do_resize: true, feature_extractor_type: 'CLIPFeatureExtractor',
    image_mean: [0.48145466, 0.4578275, 0.40821073], image_std: [0.26862954, 0.26130258, 0.27577711], resample: 3, size: 224,
  };

  it('reads integer sizes as transformers does and writes the dict form back', () => {
    const config = readImageProcessor(openaiClip, 'clip', 224, '/m/preprocessor_config.json');
    expect(config).toEqual(defaultImageProcessor('clip', 224));
    expect(imageProcessorToJson(config)).toEqual({
      crop_size: { height: 224, width: 224 }, do_center_crop: true, do_convert_rgb: true, do_normalize: true, do_rescale: true, do_resize: true,
      image_mean: [...CLIP_MEAN], image_processor_type: 'CLIPImageProcessor', image_std: [...CLIP_STD], resample: 3, rescale_factor: 1 / 255,
      size: { shortest_edge: 224 },
    });
    expect(readImageProcessor(imageProcessorToJson(config), 'clip', 224, 'x')).toEqual(config);
  });

  it('SigLIP: size {height, width}, mean / std 0.5, no crop; a scalar mean is broadcast', () => {
    const config = readImageProcessor({ image_processor_type: 'SiglipImageProcessor', size: { height: 32, width: 32 }, image_mean: 0.5, resample: 2 }, 'siglip', 32, 'p');
    expect(config).toEqual({ ...defaultImageProcessor('siglip', 32), resample: 2 });
  });

  it('refuses a processor whose output is not the encoder size, or an unknown resample, naming the file and field', () => {
    expect(() => readImageProcessor({ ...openaiClip, crop_size: 196 }, 'clip', 224, '/m/preprocessor_config.json')).toThrow(
      '/m/preprocessor_config.json: the processor makes 196×196 px images but the encoder takes 224×224. Set "crop_size" (with "do_center_crop") or "size" to 224.',
    );
    expect(() => readImageProcessor({ ...openaiClip, do_center_crop: false }, 'clip', 224, 'p')).toThrow(/p: the processor makes images of varying size/);
    expect(() => readImageProcessor({ resample: 0 }, 'siglip', 32, 'p')).toThrow('p: "resample" must be Pillow\'s 1 (Lanczos), 2 (bilinear), 3 (bicubic), 4 (box) or 5 (Hamming), got 0');
  });
});

describe('where pixels are made', () => {
  it("training's image cache crops a non-square file as CLIP's processor does, instead of squashing it", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pivot-processor-'));
    try {
      const path = join(dir, 'wide.png');
      writeFileSync(path, await png(4, 2, [10, 20, 30, 40, 50, 60, 70, 80].flatMap((v) => [v, v, v])));
      const cache = new ImageCache({ ...defaultImageProcessor('clip', 2), normalize: null, rescaleFactor: null });
      await cache.load([path], () => 'record 1');
      expect([cache.side, ...cache.pixels(path).slice(0, 4)]).toEqual([2, 20, 30, 60, 70]);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('mllm.json keeps the processor; one written before processors reads as the square resize it trained with', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pivot-processor-'));
    try {
      const clip = { featureLayer: -2, selectStrategy: 'default' as const, imageSize: 224, imageProcessor: defaultImageProcessor('clip', 224) };
      writeFileSync(join(dir, 'new.json'), JSON.stringify(mllmConfigToJson(clip, { imageTokenIndex: 3, imageSeqLength: 196 })));
      expect(readMllmConfig(join(dir, 'new.json'))).toEqual(clip);
      const legacy = { format: 'pivot-mllm', version: 1, vision_feature_layer: -2, image_size: 32, image_mean: [0.5, 0.5, 0.5], image_std: [0.5, 0.5, 0.5] };
      writeFileSync(join(dir, 'old.json'), JSON.stringify(legacy));
      expect(readMllmConfig(join(dir, 'old.json')).imageProcessor).toEqual(defaultImageProcessor('siglip', 32));
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});
