// Pictures for the HTML report as data: URLs — images, class maps in the window's class colours, Grad-CAM heat maps.
import sharp from 'sharp';
import { UNKNOWN_CLASS_RGB, type Rgb } from '../../../src-shared/domain/class-colours';
import { renderHeatmapPng } from '../analysis/gradcam-render';
import type { ClassMask } from '../probes/mask-png';

export function pngDataUrl(png: Buffer): string {
  return `data:image/png;base64,${png.toString('base64')}`;
}

/**
 * A class-id map as a size×size PNG (nearest, so patch blocks stay sharp), each id in its colour of `palette`
 * (classPalette of the dataset's class names, as the window's viewers draw them), ids it lacks grey.
 */
export async function classMapPng(mask: ClassMask, palette: readonly Rgb[], size: number): Promise<Buffer> {
  const rgb = Buffer.alloc(mask.width * mask.height * 3);
  for (let i = 0; i < mask.data.length; i++) rgb.set(palette[mask.data[i] as number] ?? UNKNOWN_CLASS_RGB, i * 3);
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
