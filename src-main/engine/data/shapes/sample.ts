// One complete image of the world in memory (scene, pixels, questions, caption, label, split), so
// the engine can use samples directly without going through files.

import { imageLabel, makeCaption, type ImageLabel } from './captions';
import type { ResolvedDifficulty } from './difficulty';
import { makeQuestions, type PreferenceTriple } from './questions';
import { renderScene, type RenderedScene } from './render';
import { unitHash } from './streams';
import { sampleScene, type Scene } from './scene';

export type Split = 'train' | 'test';
export const TEST_FRACTION = 0.1;

export interface ShapesSample {
  index: number;
  id: string;
  split: Split;
  scene: Scene;
  image: RenderedScene;
  questions: PreferenceTriple[];
  caption: string;
  label: ImageLabel | null;
}

/** Zero-padded 1-based id; six digits cover the largest allowed count. */
export function imageId(index: number): string {
  return String(index + 1).padStart(6, '0');
}

/** Hash-based, so an image keeps its split whatever the count. */
export function splitOf(seed: number, index: number): Split {
  return unitHash(seed, index, 'split') < TEST_FRACTION ? 'test' : 'train';
}

export function generateSample(seed: number, index: number, size: number, difficulty: ResolvedDifficulty): ShapesSample {
  const scene = sampleScene(seed, index, size, difficulty);
  return {
    index,
    id: imageId(index),
    split: splitOf(seed, index),
    scene,
    image: renderScene(scene),
    questions: makeQuestions(scene, difficulty.positionQuestions),
    caption: makeCaption(scene),
    label: imageLabel(scene),
  };
}
