// Heat maps as PNG images for viewers and reports: the map upsampled bilinearly, coloured with a fixed viridis
// scale (0 → dark violet, 1 → yellow, the same in every figure), optionally over the image and with the mask outlined.
import sharp from 'sharp';
import { heatColour } from '../../../src-shared/domain/heat-scale';

export { heatColour };

/** Raw 8-bit pixels, row-major, 3 (RGB) or 4 (RGBA, alpha ignored) channels. */
export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels?: 3 | 4;
}

/** A mask at any resolution, row-major; non-zero = object. */
export interface MaskImage {
  data: ArrayLike<number>;
  width: number;
  height: number;
}

export interface HeatmapRenderOptions {
  /** Side of the square PNG in px. Default 224. */
  size?: number;
  /** Draw the heat map over this image (resized to `size`). */
  image?: RawImage;
  /** The heat map's opacity over `image`. Default 0.5. */
  opacity?: number;
  /** Outline this mask's border (resized to `size`, nearest). */
  maskOutline?: MaskImage;
  /** Outline colour. Default white. */
  outlineColour?: readonly [number, number, number];
}

/** Bilinear upsampling with cell centres at (i + ½)·size/grid, clamped at the edges → size×size values. */
export function upsampleBilinear(map: ArrayLike<number>, gridH: number, gridW: number, size: number): Float32Array {
  const out = new Float32Array(size * size);
  const at = (y: number, x: number) => map[Math.min(gridH - 1, Math.max(0, y)) * gridW + Math.min(gridW - 1, Math.max(0, x))] as number;
  for (let py = 0; py < size; py++) {
    const gy = ((py + 0.5) * gridH) / size - 0.5;
    const y0 = Math.floor(gy);
    const fy = gy - y0;
    for (let px = 0; px < size; px++) {
      const gx = ((px + 0.5) * gridW) / size - 0.5;
      const x0 = Math.floor(gx);
      const fx = gx - x0;
      const top = at(y0, x0) * (1 - fx) + at(y0, x0 + 1) * fx;
      const bottom = at(y0 + 1, x0) * (1 - fx) + at(y0 + 1, x0 + 1) * fx;
      out[py * size + px] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}

/** Renders the map ([gridH, gridW], values in [0, 1]) as a size×size RGB PNG. */
export async function renderHeatmapPng(map: ArrayLike<number>, gridH: number, gridW: number, options: HeatmapRenderOptions = {}): Promise<Buffer> {
  if (map.length !== gridH * gridW) throw new Error(`renderHeatmapPng: the map has ${map.length} values, expected ${gridH}×${gridW}`);
  const size = options.size ?? 224;
  if (!Number.isInteger(size) || size <= 0) throw new Error(`renderHeatmapPng: size must be a positive integer, got ${size}`);
  const opacity = options.image ? (options.opacity ?? 0.5) : 1;
  const base = options.image ? await resizedRgb(options.image, size) : null;
  const values = upsampleBilinear(map, gridH, gridW, size);
  const rgb = Buffer.alloc(size * size * 3);
  for (let i = 0; i < size * size; i++) {
    const colour = heatColour(values[i] as number);
    for (let c = 0; c < 3; c++) {
      const under = base ? (base[i * 3 + c] as number) : 0;
      rgb[i * 3 + c] = Math.round(opacity * (colour[c] as number) + (1 - opacity) * under);
    }
  }
  if (options.maskOutline) drawOutline(rgb, size, options.maskOutline, options.outlineColour ?? [255, 255, 255]);
  return sharp(rgb, { raw: { width: size, height: size, channels: 3 } }).png().toBuffer();
}

async function resizedRgb(image: RawImage, size: number): Promise<Buffer> {
  const channels = image.channels ?? 3;
  if (image.data.length !== image.width * image.height * channels) {
    throw new Error(`renderHeatmapPng: the image has ${image.data.length} bytes, expected ${image.width}×${image.height}×${channels}`);
  }
  return sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), { raw: { width: image.width, height: image.height, channels } })
    .removeAlpha()
    .resize(size, size, { fit: 'fill', kernel: 'cubic' })
    .raw()
    .toBuffer();
}

/** Marks mask pixels (nearest-resized to size) that touch a non-mask pixel or the border. */
function drawOutline(rgb: Buffer, size: number, mask: MaskImage, colour: readonly [number, number, number]): void {
  if (mask.data.length !== mask.width * mask.height) throw new Error(`renderHeatmapPng: the mask has ${mask.data.length} values, expected ${mask.width}×${mask.height}`);
  const inside = (x: number, y: number): boolean => {
    if (x < 0 || y < 0 || x >= size || y >= size) return false;
    const sx = Math.min(mask.width - 1, Math.floor(((x + 0.5) * mask.width) / size));
    const sy = Math.min(mask.height - 1, Math.floor(((y + 0.5) * mask.height) / size));
    return (mask.data[sy * mask.width + sx] as number) !== 0;
  };
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (!inside(x, y) || (inside(x - 1, y) && inside(x + 1, y) && inside(x, y - 1) && inside(x, y + 1))) continue;
      rgb.set(colour, (y * size + x) * 3);
    }
  }
}
