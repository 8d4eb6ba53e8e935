// Pictures for the HTML report as data: URLs — images, class maps in a fixed palette, Grad-CAM heat maps.
import sharp from 'sharp';
import { renderHeatmapPng } from '../analysis/gradcam-render';
import type { ClassMask } from '../probes/mask-png';

export function pngDataUrl(png: Buffer): string {
  return `data:image/png;base64,${png.toString('base64')}`;
}

/** Class 0 (background) black, 255 (ignored) grey, the others spread around the hue circle by the golden angle. */
export function classColour(k: number): [number, number, number] {
  if (k === 0) return [0, 0, 0];
  if (k === 255) return [128, 128, 128];
  const h = (k * 137.508) % 360;
  const s = 0.75;
  const l = k % 2 === 0 ? 0.45 : 0.62;
  const c = (1 - Math.abs(2 * l - 1)) * s;
  const x = c * (1 - Math.abs(((h / 60) % 2) - 1));
  const m = l - c / 2;
  const [r, g, b] = h < 60 ? [c, x, 0] : h < 120 ? [x, c, 0] : h < 180 ? [0, c, x] : h < 240 ? [0, x, c] : h < 300 ? [x, 0, c] : [c, 0, x];
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}

/** A class-id map as a size×size PNG (nearest, so patch blocks stay sharp). */
export async function classMapPng(mask: ClassMask, size: number): Promise<Buffer> {
  const rgb = Buffer.alloc(mask.width * mask.height * 3);
  for (let i = 0; i < mask.data.length; i++) rgb.set(classColour(mask.data[i] as number), i * 3);
  return sharp(rgb, { raw: { width: mask.width, height: mask.height, channels: 3 } }).resize(size, size, { kernel: 'nearest' }).png().toBuffer();
}

/** An image file as a size×size PNG. */
export async function imagePng(path: string, size: number): Promise<Buffer> {
  return sharp(path).removeAlpha().resize(size, size, { kernel: 'nearest', fit: 'fill' }).png().toBuffer();
}

/** A Grad-CAM map over its image with the target outlined (renderHeatmapPng). */
export async function heatmapOverImagePng(map: ArrayLike<number>, gridH: number, gridW: number, imagePath: string, mask: ClassMask, size: number): Promise<Buffer> {
  const { data, info } = await sharp(imagePath).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return renderHeatmapPng(map, gridH, gridW, { size, image: { data, width: info.width, height: info.height, channels: 3 }, maskOutline: mask });
}
