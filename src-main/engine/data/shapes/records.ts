// The JSON rows and documents of the output folder. Keys are built in a fixed order so the same
// options always serialise to the same bytes.

import { LABEL_DEFINITION } from './captions';
import { formatDifficulty, type ResolvedDifficulty } from './difficulty';
import { TEST_FRACTION, type ShapesSample } from './sample';
import { COLORS, NUM_CLASSES, SHAPES } from './vocab';

export const GENERATOR = 'pivot-shapes-world';
/** Bump when the same options would produce different files. */
export const GENERATOR_VERSION = 1;

export const ANSWER_STYLE =
  'Short capitalised answers ending with a period: "Red.", "Triangle.", "There are 3 red objects.", ' +
  '"There is 1 circle.", "There are no rings.", "To the left." / "To the right.", "Above." / "Below."';

export interface WorldParams {
  seed: number;
  count: number;
  size: number;
  difficulty: ResolvedDifficulty;
}

export const paths = (id: string) => ({
  image: `images/${id}.png`,
  mask: `masks/${id}.png`,
  instances: `instances/${id}.png`,
});

export function pairRows(s: ShapesSample): object[] {
  const p = paths(s.id);
  return s.questions.map((q, k) => ({
    id: `shapes-${s.scene.seed}-${s.id}-${k}`,
    images: [p.image],
    prompt: [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: q.question }] }],
    chosen: [{ role: 'assistant', content: [{ type: 'text', text: q.chosen }] }],
    rejected: [{ role: 'assistant', content: [{ type: 'text', text: q.rejected }] }],
    split: s.split,
    kind: q.kind,
    reason: q.reason,
    image_id: s.id,
    target_instances: q.targetInstances,
  }));
}

export function captionRow(s: ShapesSample): object {
  return {
    image: paths(s.id).image,
    caption: s.caption,
    label: s.label ? s.label.label : -1,
    label_name: s.label ? s.label.labelName : 'none',
    split: s.split,
  };
}

/** Everything needed to re-render the image exactly (scene parameters, seeds) plus the label. */
export function metadataRow(s: ShapesSample): object {
  const p = paths(s.id);
  const bg = s.scene.background;
  return {
    image_id: s.id,
    image: p.image,
    mask: p.mask,
    instances: p.instances,
    split: s.split,
    label: s.label ? s.label.label : -1,
    label_name: s.label ? s.label.labelName : 'none',
    label_instance: s.label ? s.label.instance : 0,
    objects: s.scene.objects.map((o) => ({
      instance: o.instance,
      shape: o.shape,
      color: o.color,
      classId: o.classId,
      cx: o.cx,
      cy: o.cy,
      size: o.size,
      bbox: o.bbox,
      visiblePixels: o.visiblePixels,
      rgb: o.rgb,
    })),
    clutter: s.scene.clutter.map((c) => ({
      kind: c.kind,
      color: c.color,
      rgb: c.rgb,
      x0: c.x0,
      y0: c.y0,
      x1: c.x1,
      y1: c.y1,
      radius: c.radius,
    })),
    background: {
      kind: bg.kind,
      colors: bg.colors,
      angle: bg.angle,
      period: bg.period,
      phase: bg.phase,
      grid: bg.grid,
      textureSeed: bg.textureSeed,
    },
    noise: { std: s.scene.noise.std, seed: s.scene.noise.seed },
  };
}

export function worldDoc(w: WorldParams, pairs: number): object {
  return {
    generator: GENERATOR,
    version: GENERATOR_VERSION,
    seed: w.seed,
    count: w.count,
    size: w.size,
    difficultySpec: formatDifficulty(w.difficulty),
    difficulty: w.difficulty,
    labelDefinition: LABEL_DEFINITION,
    classes: NUM_CLASSES,
    shapes: SHAPES,
    colors: COLORS,
    split: { test: TEST_FRACTION, rule: 'test when a hash of (seed, image index) falls below the test fraction' },
    answerStyle: ANSWER_STYLE,
    images: w.count,
    pairs,
  };
}

export function readme(w: WorldParams, pairs: number): string {
  return `# Shapes world (${GENERATOR} v${GENERATOR_VERSION})

Procedural images of coloured shapes with exact masks, captions, labels and preference pairs.
Seed ${w.seed}, ${w.count} images of ${w.size}x${w.size} px, difficulty \`${formatDifficulty(w.difficulty)}\`,
${pairs} pairs. The same options always produce byte-identical files.

| file | content |
|---|---|
| \`images/<id>.png\` | RGB image |
| \`masks/<id>.png\` | 8-bit grey: segmentation class of the visible object per pixel (0 = background; see \`classes.json\`) |
| \`instances/<id>.png\` | 8-bit grey: instance index of the visible object per pixel (1..n, 0 = background) |
| \`pairs.jsonl\` | TRL conversational vision preference pairs (\`images\`, \`prompt\`, \`chosen\`, \`rejected\`) plus \`split\`, \`kind\` (attribute / count / relation), \`reason\` (why the rejected answer is wrong), \`image_id\`, \`target_instances\` |
| \`captions.jsonl\` | caption, probe label and split per image |
| \`metadata.jsonl\` | per image: objects (instance, shape, colour, class, centre, size, box, visible pixels, drawn colour), clutter, background and noise parameters, split |
| \`classes.json\` | the ${NUM_CLASSES} segmentation classes with display colours |
| \`world.json\` | generator version, options, resolved difficulty, label definition |
| \`tokenizer.json\` | word-level Hugging Face tokenizer covering every word of the questions, answers and captions (specials \`<|endoftext|>\`, \`<image>\`, \`<unk>\`) |

Label: ${LABEL_DEFINITION}

Answers: ${ANSWER_STYLE}

Occluded parts belong to the object on top; clutter (tiny dots and lines) is background (class 0).
`;
}
