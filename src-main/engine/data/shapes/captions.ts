// Captions (for alignment / captioning) and the per-image class label used by linear probes.

import { relationMargin } from './questions';
import type { Scene, SceneObject } from './scene';
import { className } from './vocab';

/** Size words are absolute (px at 64) so "small" means the same thing at every difficulty. */
const SMALL_BELOW = 10;
const LARGE_FROM = 15;

export const LABEL_DEFINITION =
  'label = colour-shape class of the object with the most visible pixels (ties: lowest instance), ' +
  'i.e. segmentation class id - 1, in 0..35; label_name = "<colour> <shape>". Needs the encoder to bind ' +
  'colour to shape and to compare sizes among look-alikes; chance is about 1/36.';

export function sizeWord(obj: SceneObject, imageSize: number): 'small' | 'large' | '' {
  const px64 = (obj.size * 64) / imageSize;
  if (px64 < SMALL_BELOW) return 'small';
  if (px64 >= LARGE_FROM) return 'large';
  return '';
}

function phrase(obj: SceneObject, imageSize: number): string {
  const w = sizeWord(obj, imageSize);
  const words = `${w ? `${w} ` : ''}${obj.color} ${obj.shape}`;
  return `${/^[aeiou]/.test(words) ? 'an' : 'a'} ${words}`;
}

/** E.g. "a small red triangle left of a large blue circle, with a green ring and a yellow cross". */
export function makeCaption(scene: Scene): string {
  const objs = [...scene.objects].sort((a, b) => a.cx - b.cx || a.cy - b.cy || a.instance - b.instance);
  if (objs.length === 0) return 'an empty textured background';
  const parts = objs.map((o) => phrase(o, scene.size));
  const [first, second] = objs;
  let text = parts[0] as string;
  if (second && first) {
    const clearlyLeft = second.cx - first.cx >= relationMargin(first, second, scene.size);
    text += `${clearlyLeft ? ' left of ' : ' and '}${parts[1] as string}`;
  }
  const rest = parts.slice(2);
  if (rest.length === 1) text += `, with ${rest[0] as string}`;
  if (rest.length > 1) text += `, with ${rest.slice(0, -1).join(', ')} and ${rest[rest.length - 1] as string}`;
  return text;
}

export interface ImageLabel {
  label: number;
  labelName: string;
  instance: number;
}

/** See LABEL_DEFINITION. Null only for an image without objects (never produced by the presets). */
export function imageLabel(scene: Scene): ImageLabel | null {
  let best: SceneObject | null = null;
  for (const o of scene.objects) if (!best || o.visiblePixels > best.visiblePixels) best = o;
  if (!best) return null;
  return { label: best.classId - 1, labelName: className(best.shape, best.color), instance: best.instance };
}
