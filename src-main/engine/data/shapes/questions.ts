// Question / chosen / rejected triples for one scene. Rejected answers are the plausible
// hallucinations of the study: another object's attribute, an off-by-one count, the mirrored relation or position.

import { Rng } from '../../random';
import { streamRng } from './streams';
import type { Scene, SceneObject } from './scene';
import { COLORS, SHAPES, SHAPE_PLURAL, type Color, type Shape } from './vocab';

export type QuestionKind = 'attribute' | 'count' | 'relation' | 'position';
export type RejectReason = 'other-object-attribute' | 'wrong-count' | 'mirrored-relation' | 'mirrored-position';

export interface PreferenceTriple {
  question: string;
  chosen: string;
  rejected: string;
  kind: QuestionKind;
  reason: RejectReason;
  /** Instances the question is about (the counted objects for a count; may be empty). */
  targetInstances: number[];
}

/** Probability of taking the rejected attribute from a look-alike (same shape / same colour). */
const LOOKALIKE_BIAS = 0.7;

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** Centres must be this far apart on an axis before "left of" / "above" is asked or said. */
export function relationMargin(a: SceneObject, b: SceneObject, imageSize: number): number {
  return Math.max(3 * (imageSize / 64), 0.25 * (a.size + b.size));
}

/** "Larger" needs a clear difference in both the box and the visible area (occlusion shrinks it). */
export function clearlyLarger(a: SceneObject, b: SceneObject): boolean {
  return a.size >= 1.3 * b.size && a.visiblePixels >= 1.3 * b.visiblePixels;
}

/**
 * A phrase naming `target` uniquely among `group` (the objects sharing the named property), or
 * null when no size or position contrast is clear enough.
 */
export function describeWithin(target: SceneObject, group: readonly SceneObject[], noun: string, size: number, rng: Rng): string | null {
  const others = group.filter((o) => o !== target);
  if (others.length === 0) return `the ${noun}`;
  const two = others.length === 1;
  const all = (test: (o: SceneObject) => boolean): boolean => others.every(test);
  const m = (o: SceneObject): number => relationMargin(target, o, size);
  const options: string[] = [];
  if (all((o) => clearlyLarger(target, o))) options.push(two ? `the larger ${noun}` : `the largest ${noun}`);
  if (all((o) => clearlyLarger(o, target))) options.push(two ? `the smaller ${noun}` : `the smallest ${noun}`);
  if (all((o) => o.cx - target.cx >= m(o))) options.push(two ? `the ${noun} on the left` : `the leftmost ${noun}`);
  if (all((o) => target.cx - o.cx >= m(o))) options.push(two ? `the ${noun} on the right` : `the rightmost ${noun}`);
  if (all((o) => o.cy - target.cy >= m(o))) options.push(two ? `the upper ${noun}` : `the topmost ${noun}`);
  if (all((o) => target.cy - o.cy >= m(o))) options.push(two ? `the lower ${noun}` : `the bottommost ${noun}`);
  return options.length > 0 ? rng.pick(options) : null;
}

/** Another object whose value differs from the target's; prefers look-alikes, which force binding. */
function pickOther(
  target: SceneObject,
  objects: readonly SceneObject[],
  differs: (o: SceneObject) => boolean,
  lookalike: (o: SceneObject) => boolean,
  rng: Rng,
): SceneObject | null {
  const candidates = objects.filter((o) => o !== target && differs(o));
  if (candidates.length === 0) return null;
  const alike = candidates.filter(lookalike);
  return alike.length > 0 && rng.chance(LOOKALIKE_BIAS) ? rng.pick(alike) : rng.pick(candidates);
}

function colorQuestion(scene: Scene, rng: Rng): PreferenceTriple | null {
  for (const t of rng.shuffle(scene.objects)) {
    const other = pickOther(t, scene.objects, (o) => o.color !== t.color, (o) => o.shape === t.shape, rng);
    if (!other) continue;
    const group = scene.objects.filter((o) => o.shape === t.shape);
    const desc = describeWithin(t, group, t.shape, scene.size, rng);
    if (!desc) continue;
    return {
      question: `What colour is ${desc}?`,
      chosen: `${cap(t.color)}.`,
      rejected: `${cap(other.color)}.`,
      kind: 'attribute',
      reason: 'other-object-attribute',
      targetInstances: [t.instance],
    };
  }
  return null;
}

function shapeQuestion(scene: Scene, rng: Rng): PreferenceTriple | null {
  for (const t of rng.shuffle(scene.objects)) {
    const other = pickOther(t, scene.objects, (o) => o.shape !== t.shape, (o) => o.color === t.color, rng);
    if (!other) continue;
    const group = scene.objects.filter((o) => o.color === t.color);
    const desc = describeWithin(t, group, `${t.color} object`, scene.size, rng);
    if (!desc) continue;
    return {
      question: `What shape is ${desc}?`,
      chosen: `${cap(t.shape)}.`,
      rejected: `${cap(other.shape)}.`,
      kind: 'attribute',
      reason: 'other-object-attribute',
      targetInstances: [t.instance],
    };
  }
  return null;
}

export function countSentence(n: number, singular: string, plural: string): string {
  if (n === 0) return `There are no ${plural}.`;
  if (n === 1) return `There is 1 ${singular}.`;
  return `There are ${n} ${plural}.`;
}

function countQuestion(scene: Scene, rng: Rng): PreferenceTriple {
  const present = (values: readonly string[]) => values.filter((v) => scene.objects.some((o) => o.color === v || o.shape === v));
  const presentColors = present(COLORS) as Color[];
  const presentShapes = present(SHAPES) as Shape[];
  const r = rng.next();
  // Mostly about what is there; sometimes about something absent (answer "no ..."), a classic hallucination.
  let byColor: boolean;
  let value: string;
  if (r < 0.45 && presentColors.length > 0) {
    byColor = true;
    value = rng.pick(presentColors);
  } else if (r < 0.85 && presentShapes.length > 0) {
    byColor = false;
    value = rng.pick(presentShapes);
  } else {
    byColor = rng.chance(0.5);
    value = byColor ? rng.pick(COLORS) : rng.pick(SHAPES);
  }
  const matches = scene.objects.filter((o) => (byColor ? o.color === value : o.shape === value));
  const n = matches.length;
  const wrong = n === 0 || rng.chance(0.5) ? n + 1 : n - 1;
  const singular = byColor ? `${value} object` : value;
  const plural = byColor ? `${value} objects` : SHAPE_PLURAL[value as Shape];
  return {
    question: `How many ${plural} are there?`,
    chosen: countSentence(n, singular, plural),
    rejected: countSentence(wrong, singular, plural),
    kind: 'count',
    reason: 'wrong-count',
    targetInstances: matches.map((o) => o.instance),
  };
}

function relationQuestion(scene: Scene, rng: Rng): PreferenceTriple | null {
  const options: [SceneObject, SceneObject, 'x' | 'y'][] = [];
  for (const a of scene.objects) {
    for (const b of scene.objects) {
      if (a === b) continue;
      const m = relationMargin(a, b, scene.size);
      if (Math.abs(a.cx - b.cx) >= m) options.push([a, b, 'x']);
      if (Math.abs(a.cy - b.cy) >= m) options.push([a, b, 'y']);
    }
  }
  if (options.length === 0) return null;
  const [a, b, axis] = rng.pick(options);
  // Colour + shape names one object: the world never repeats a (shape, colour) pair in an image.
  const an = `the ${a.color} ${a.shape}`;
  const bn = `the ${b.color} ${b.shape}`;
  const first = axis === 'x' ? a.cx < b.cx : a.cy < b.cy;
  const [yes, no] = axis === 'x' ? ['To the left.', 'To the right.'] : ['Above.', 'Below.'];
  return {
    question: axis === 'x' ? `Is ${an} to the left of or to the right of ${bn}?` : `Is ${an} above or below ${bn}?`,
    chosen: first ? yes : no,
    rejected: first ? no : yes,
    kind: 'relation',
    reason: 'mirrored-relation',
    targetInstances: [a.instance, b.instance],
  };
}

/** The position answers per axis, the first for the smaller coordinate (left, upper). */
export const POSITION_ANSWERS = { x: ['On the left.', 'On the right.'], y: ['Upper.', 'Lower.'] } as const;

/** Where one object lies in the image, asked of an object clearly off the centre line (the words the vocabulary has). */
function positionQuestion(scene: Scene, rng: Rng): PreferenceTriple | null {
  const centre = scene.size / 2;
  const margin = scene.size / 16;
  const options: [SceneObject, 'x' | 'y'][] = [];
  for (const o of scene.objects) {
    if (Math.abs(o.cx - centre) >= margin) options.push([o, 'x']);
    if (Math.abs(o.cy - centre) >= margin) options.push([o, 'y']);
  }
  if (options.length === 0) return null;
  const [o, axis] = rng.pick(options);
  const name = `the ${o.color} ${o.shape}`;
  const first = (axis === 'x' ? o.cx : o.cy) < centre;
  const [yes, no] = POSITION_ANSWERS[axis];
  return {
    question: axis === 'x' ? `Is ${name} on the left or the right?` : `Is ${name} upper or lower?`,
    chosen: first ? yes : no,
    rejected: first ? no : yes,
    kind: 'position',
    reason: 'mirrored-position',
    targetInstances: [o.instance],
  };
}

/**
 * 1–3 triples of different question types for the scene, from the image's own question stream, and with probability
 * `positionShare` one position question more (drawn after the others, so a world without them is as it was).
 */
export function makeQuestions(scene: Scene, positionShare = 0): PreferenceTriple[] {
  const rng = streamRng(scene.seed, scene.index, 'questions');
  const want = rng.int(1, 3);
  const makers: ((s: Scene, r: Rng) => PreferenceTriple | null)[] = [colorQuestion, shapeQuestion, countQuestion, relationQuestion];
  const out: PreferenceTriple[] = [];
  for (const make of rng.shuffle(makers)) {
    if (out.length >= want) break;
    const triple = make(scene, rng);
    if (triple) out.push(triple);
  }
  if (positionShare > 0 && rng.chance(positionShare)) {
    const triple = positionQuestion(scene, rng);
    if (triple) out.push(triple);
  }
  return out;
}
