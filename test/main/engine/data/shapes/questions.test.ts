// Every preference triple must be true to the scene: the chosen answer is right, the rejected one
// is wrong for the stated reason, and the question names exactly one object.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  COLORS,
  SHAPES,
  SHAPE_PLURAL,
  clearlyLarger,
  generateSample,
  parseDifficulty,
  relationMargin,
  writeShapesWorld,
  type PreferenceTriple,
  type SceneObject,
} from '../../../../../src-main/engine/data/shapes';
import { readJsonl, removeDir, tempDir, type MetaRow, type PairRow } from './helpers';

const SIZE = 64;
const word = (answer: string): string => {
  const m = /^([A-Z][a-z]+)\.$/.exec(answer);
  if (!m) throw new Error(`not a one-word answer: ${answer}`);
  return (m[1] as string).toLowerCase();
};
const countOf = (answer: string): number => {
  const m = /^There (?:is|are) (no|\d+) /.exec(answer);
  if (!m) throw new Error(`not a count answer: ${answer}`);
  return m[1] === 'no' ? 0 : Number(m[1]);
};

/** Which objects of `group` a descriptor like "largest" / "on the left" / "" picks out. */
function selects(modifier: string, target: SceneObject, group: SceneObject[]): boolean {
  const others = group.filter((o) => o !== target);
  const m = (o: SceneObject) => relationMargin(target, o, SIZE);
  if (modifier === '') return others.length === 0;
  const comparative = ['larger', 'smaller', 'left', 'right', 'upper', 'lower'].includes(modifier);
  if (comparative !== (others.length === 1)) return false;
  const test: Record<string, (o: SceneObject) => boolean> = {
    larger: (o) => clearlyLarger(target, o),
    largest: (o) => clearlyLarger(target, o),
    smaller: (o) => clearlyLarger(o, target),
    smallest: (o) => clearlyLarger(o, target),
    left: (o) => o.cx - target.cx >= m(o),
    leftmost: (o) => o.cx - target.cx >= m(o),
    right: (o) => target.cx - o.cx >= m(o),
    rightmost: (o) => target.cx - o.cx >= m(o),
    upper: (o) => o.cy - target.cy >= m(o),
    topmost: (o) => o.cy - target.cy >= m(o),
    lower: (o) => target.cy - o.cy >= m(o),
    bottommost: (o) => target.cy - o.cy >= m(o),
  };
  const t = test[modifier];
  return t !== undefined && others.length > 0 && others.every(t);
}

const MOD = '(larger|largest|smaller|smallest|upper|lower|topmost|bottommost|leftmost|rightmost)';

/** Throws with a readable message when the triple does not hold against the objects. */
function checkTriple(q: PreferenceTriple, objects: SceneObject[]): void {
  expect(q.chosen).not.toBe(q.rejected);
  const byInstance = (i: number) => objects.find((o) => o.instance === i)!;
  if (q.kind === 'attribute') {
    expect(q.reason).toBe('other-object-attribute');
    expect(q.targetInstances).toHaveLength(1);
    const target = byInstance(q.targetInstances[0]!);
    const colourQ = new RegExp(`^What colour is the (?:${MOD} )?(\\w+)(?: on the (left|right))?\\?$`).exec(q.question);
    const shapeQ = new RegExp(`^What shape is the (?:${MOD} )?(\\w+) object(?: on the (left|right))?\\?$`).exec(q.question);
    const m = colourQ ?? shapeQ;
    if (!m) throw new Error(`unexpected attribute question: ${q.question}`);
    const modifier = m[1] ?? m[3] ?? '';
    if (colourQ) {
      expect(m[2]).toBe(target.shape);
      expect(word(q.chosen)).toBe(target.color);
      const rejected = word(q.rejected);
      expect(rejected).not.toBe(target.color);
      expect(objects.some((o) => o !== target && o.color === rejected)).toBe(true);
      expect(selects(modifier, target, objects.filter((o) => o.shape === target.shape)), q.question).toBe(true);
    } else {
      expect(m[2]).toBe(target.color);
      expect(word(q.chosen)).toBe(target.shape);
      const rejected = word(q.rejected);
      expect(rejected).not.toBe(target.shape);
      expect(objects.some((o) => o !== target && o.shape === rejected)).toBe(true);
      expect(selects(modifier, target, objects.filter((o) => o.color === target.color)), q.question).toBe(true);
    }
  } else if (q.kind === 'count') {
    expect(q.reason).toBe('wrong-count');
    const byColour = /^How many (\w+) objects are there\?$/.exec(q.question);
    const byShape = /^How many (\w+) are there\?$/.exec(q.question);
    let matches: SceneObject[];
    if (byColour) {
      expect(COLORS).toContain(byColour[1]);
      matches = objects.filter((o) => o.color === byColour[1]);
    } else if (byShape) {
      const shape = SHAPES.find((s) => SHAPE_PLURAL[s] === byShape[1]);
      expect(shape, q.question).toBeDefined();
      matches = objects.filter((o) => o.shape === shape);
    } else throw new Error(`unexpected count question: ${q.question}`);
    expect(countOf(q.chosen)).toBe(matches.length);
    const wrong = countOf(q.rejected);
    expect(wrong).toBeGreaterThanOrEqual(0);
    expect(Math.abs(wrong - matches.length)).toBe(1);
    expect(q.targetInstances).toEqual(matches.map((o) => o.instance));
  } else {
    expect(q.reason).toBe('mirrored-relation');
    const lr = /^Is the (\w+) (\w+) to the left of or to the right of the (\w+) (\w+)\?$/.exec(q.question);
    const ab = /^Is the (\w+) (\w+) above or below the (\w+) (\w+)\?$/.exec(q.question);
    const m = lr ?? ab;
    if (!m) throw new Error(`unexpected relation question: ${q.question}`);
    const find = (color: string, shape: string) => {
      const found = objects.filter((o) => o.color === color && o.shape === shape);
      expect(found, `${color} ${shape} must be unique`).toHaveLength(1);
      return found[0]!;
    };
    const a = find(m[1]!, m[2]!);
    const b = find(m[3]!, m[4]!);
    expect(q.targetInstances).toEqual([a.instance, b.instance]);
    const d = lr ? a.cx - b.cx : a.cy - b.cy;
    expect(Math.abs(d)).toBeGreaterThanOrEqual(relationMargin(a, b, SIZE));
    const [first, second] = lr ? ['To the left.', 'To the right.'] : ['Above.', 'Below.'];
    expect(q.chosen).toBe(d < 0 ? first : second);
    expect(q.rejected).toBe(d < 0 ? second : first);
  }
}

describe('Shapes world questions', () => {
  for (const spec of ['easy', 'medium', 'hard', 'hard,objects=8-10,objectSize=7-9']) {
    it(`hold against the scene for every triple (${spec})`, () => {
      const d = parseDifficulty(spec);
      const kinds = new Map<string, number>();
      for (let i = 0; i < 250; i++) {
        const s = generateSample(21, i, SIZE, d);
        expect(s.questions.length).toBeGreaterThanOrEqual(1);
        expect(s.questions.length).toBeLessThanOrEqual(3);
        for (const q of s.questions) {
          checkTriple(q, s.scene.objects);
          const key = q.kind === 'attribute' ? q.question.split(' ')[1]! : q.kind;
          kinds.set(key, (kinds.get(key) ?? 0) + 1);
        }
      }
      // All four question types occur with real frequency.
      for (const k of ['colour', 'shape', 'count', 'relation']) expect(kinds.get(k) ?? 0, k).toBeGreaterThan(30);
    });
  }

  it('prefers look-alikes for rejected colours when the target shape repeats', () => {
    const d = parseDifficulty('hard');
    let lookalike = 0;
    let total = 0;
    for (let i = 0; i < 400; i++) {
      const s = generateSample(8, i, SIZE, d);
      for (const q of s.questions) {
        if (!q.question.startsWith('What colour')) continue;
        const t = s.scene.objects.find((o) => o.instance === q.targetInstances[0])!;
        const sameShape = s.scene.objects.filter((o) => o !== t && o.shape === t.shape);
        if (sameShape.length === 0) continue;
        total++;
        if (sameShape.some((o) => o.color === word(q.rejected))) lookalike++;
      }
    }
    expect(total).toBeGreaterThan(40);
    expect(lookalike / total).toBeGreaterThan(0.6);
  });
});

describe('position questions (difficulty positionQuestions)', () => {
  it('ask where one named object lies, answered by its centre, and leave the other questions as they were', () => {
    const withPositions = parseDifficulty('medium,positionQuestions=0.5');
    const without = parseDifficulty('medium');
    let asked = 0;
    for (let i = 0; i < 200; i++) {
      const s = generateSample(21, i, SIZE, withPositions);
      const plain = generateSample(21, i, SIZE, without).questions;
      const positions = s.questions.filter((q) => q.kind === 'position');
      // Drawn after the others: a world without position questions is the world it was.
      expect(s.questions.filter((q) => q.kind !== 'position')).toEqual(plain);
      expect(positions.length).toBeLessThanOrEqual(1);
      for (const q of positions) {
        asked++;
        const m = /^Is the (\w+) (\w+) (on the left or the right|upper or lower)\?$/.exec(q.question);
        expect(m, q.question).not.toBeNull();
        const [, color, shape, form] = m as RegExpExecArray;
        const named = s.scene.objects.filter((o) => o.color === color && o.shape === shape);
        expect(named.map((o) => o.instance)).toEqual(q.targetInstances);
        const o = named[0] as SceneObject;
        const [centre, answers] = form === 'upper or lower' ? [o.cy, ['Upper.', 'Lower.']] : [o.cx, ['On the left.', 'On the right.']];
        // Clearly off the centre line (4 px at 64), and the chosen answer the side it is on.
        expect(Math.abs(centre - SIZE / 2)).toBeGreaterThanOrEqual(SIZE / 16);
        expect([q.chosen, q.rejected]).toEqual(centre < SIZE / 2 ? answers : [...answers].reverse());
        expect(q.reason).toBe('mirrored-position');
      }
    }
    // About half the images (a few have no object off the centre lines).
    expect(asked).toBeGreaterThan(70);
    expect(asked).toBeLessThan(130);
  });
});

describe('pairs.jsonl', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir('pairs');
    await writeShapesWorld({ out: dir, count: 30, seed: 77 });
  });
  afterAll(() => removeDir(dir));

  it('is TRL conversational vision preference data consistent with metadata', async () => {
    const pairs = await readJsonl<PairRow>(join(dir, 'pairs.jsonl'));
    const meta = new Map((await readJsonl<MetaRow>(join(dir, 'metadata.jsonl'))).map((r) => [r.image_id, r]));
    expect(pairs.length).toBeGreaterThanOrEqual(30);
    const seen = new Set<string>();
    for (const p of pairs) {
      expect(p.id).toMatch(/^shapes-77-\d{6}-[0-2]$/);
      expect(seen.has(p.id)).toBe(false);
      seen.add(p.id);
      expect(Object.keys(p)).toEqual(['id', 'images', 'prompt', 'chosen', 'rejected', 'split', 'kind', 'reason', 'image_id', 'target_instances']);
      expect(p.images).toEqual([`images/${p.image_id}.png`]);
      expect(p.prompt).toHaveLength(1);
      expect(p.prompt[0]!.role).toBe('user');
      expect(p.prompt[0]!.content.map((c) => c.type)).toEqual(['image', 'text']);
      for (const side of [p.chosen, p.rejected]) {
        expect(side).toHaveLength(1);
        expect(side[0]!.role).toBe('assistant');
        expect(side[0]!.content).toHaveLength(1);
        expect(side[0]!.content[0]!.type).toBe('text');
      }
      const row = meta.get(p.image_id)!;
      expect(p.split).toBe(row.split);
      checkTriple(
        {
          question: p.prompt[0]!.content[1]!.text!,
          chosen: p.chosen[0]!.content[0]!.text!,
          rejected: p.rejected[0]!.content[0]!.text!,
          kind: p.kind,
          reason: p.reason as PreferenceTriple['reason'],
          targetInstances: p.target_instances,
        },
        row.objects as SceneObject[],
      );
    }
  });
});
