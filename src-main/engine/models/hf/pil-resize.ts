// Pillow's Image.resize on 8-bit RGB, which transformers' CLIP / SigLIP processors call: a separable convolution
// whose kernel widens with the shrink factor, coefficients in 22-bit fixed point, rounded to bytes after each
// pass (Pillow's src/libImaging/Resample.c). sharp's resize is not used here: its upscaling ignores the kernel and
// lands up to 111 grey levels away from Pillow at edges (measured in image-processor.test.ts).

/** Pillow's filters by resample code: support and kernel. */
const FILTERS: Readonly<Record<number, { support: number; kernel: (x: number) => number }>> = {
  1: { support: 3, kernel: (x) => (Math.abs(x) < 3 ? sinc(x) * sinc(x / 3) : 0) }, // LANCZOS
  2: { support: 1, kernel: (x) => Math.max(0, 1 - Math.abs(x)) }, // BILINEAR
  3: { support: 2, kernel: cubic }, // BICUBIC
  4: { support: 0.5, kernel: (x) => (x >= -0.5 && x < 0.5 ? 1 : 0) }, // BOX
  5: { support: 1, kernel: (x) => (Math.abs(x) < 1 ? 0.54 + 0.46 * Math.cos(Math.PI * x) : 0) }, // HAMMING
};

/** Pillow's resample codes this resize does (nearest, 0, is not one: CLIP and SigLIP never use it). */
export const PIL_RESAMPLES = Object.keys(FILTERS).map(Number);

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

/** Catmull-Rom, Pillow's bicubic (a = −0.5). */
function cubic(x: number): number {
  const a = -0.5;
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
}

const PRECISION_BITS = 32 - 8 - 2;

/** For each output index, the first input index and the fixed-point weights of the inputs from there. */
function coefficients(inSize: number, outSize: number, resample: number): { start: number; weights: Int32Array }[] {
  const filter = FILTERS[resample];
  if (!filter) throw new Error(`resample ${resample} is not one of Pillow's ${PIL_RESAMPLES.join(', ')}`);
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filter.support * filterScale;
  return Array.from({ length: outSize }, (_, xx) => {
    const center = (xx + 0.5) * scale;
    // C's (int) cast truncates toward zero.
    const start = Math.max(Math.trunc(center - support + 0.5), 0);
    const end = Math.min(Math.trunc(center + support + 0.5), inSize);
    const raw: number[] = [];
    for (let x = start; x < end; x++) raw.push(filter.kernel((x - center + 0.5) / filterScale));
    const sum = raw.reduce((s, w) => s + w, 0);
    const weights = Int32Array.from(raw, (w) => {
      const k = sum === 0 ? w : w / sum;
      return Math.trunc(k < 0 ? -0.5 + k * (1 << PRECISION_BITS) : 0.5 + k * (1 << PRECISION_BITS));
    });
    return { start, weights };
  });
}

function clip8(acc: number): number {
  const v = Math.floor(acc / (1 << PRECISION_BITS));
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/**
 * `pixels` (row-major, `channels` bytes a pixel) resized to `outWidth` × `outHeight` as Pillow does: horizontal
 * pass, then vertical, each skipped when that side keeps its size.
 */
export function pilResize(pixels: Uint8Array, width: number, height: number, channels: number, outWidth: number, outHeight: number, resample: number): Uint8Array {
  let data = pixels;
  let w = width;
  if (outWidth !== width) {
    const across = coefficients(width, outWidth, resample);
    const out = new Uint8Array(height * outWidth * channels);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < outWidth; x++) {
        const { start, weights } = across[x] as { start: number; weights: Int32Array };
        for (let c = 0; c < channels; c++) {
          let acc = 1 << (PRECISION_BITS - 1);
          for (let k = 0; k < weights.length; k++) acc += (data[(y * w + start + k) * channels + c] as number) * (weights[k] as number);
          out[(y * outWidth + x) * channels + c] = clip8(acc);
        }
      }
    }
    data = out;
    w = outWidth;
  }
  if (outHeight !== height) {
    const down = coefficients(height, outHeight, resample);
    const out = new Uint8Array(outHeight * w * channels);
    for (let y = 0; y < outHeight; y++) {
      const { start, weights } = down[y] as { start: number; weights: Int32Array };
      for (let x = 0; x < w; x++) {
        for (let c = 0; c < channels; c++) {
          let acc = 1 << (PRECISION_BITS - 1);
          for (let k = 0; k < weights.length; k++) acc += (data[((start + k) * w + x) * channels + c] as number) * (weights[k] as number);
          out[(y * w + x) * channels + c] = clip8(acc);
        }
      }
    }
    data = out;
  }
  return data;
}
