// The segmentation viewer's drawing (issue 12, bug 1: the Compare tab froze for 13–18 s): the one-pass overlay gives
// exactly the pixels of the implementation it replaced (kept below as the oracle), and examples are redrawn only when
// they are on screen and something they show changed — one image loading redraws one example, not all of them; and
// the pixel and classes named under the pointer.
import { describe, expect, it, vi } from 'vitest';
import type { ExampleClass, SegmentationExample } from '../../src-shared/domain/study-examples';
import { className, ERROR_RGB, errorMap, overlayPixels, pixelUnder, type OverlayOptions } from '../../src-renderer/src/components/compare/seg-pixels';
import { ExampleRedraws } from '../../src-renderer/src/components/compare/seg-redraws';

/** overlayPixels as it was before issue 12 (an array and a Map lookup per pixel): the reference for the pixels. */
function oracleOverlay(ids: ArrayLike<number>, image: ArrayLike<number> | null, options: OverlayOptions): Uint8ClampedArray {
  const UNKNOWN_RGB = [128, 128, 128];
  const palette = new Map(options.classes.map((c) => [c.id, c.rgb]));
  const out = new Uint8ClampedArray(ids.length * 4);
  const a = Math.min(1, Math.max(0, options.opacity));
  for (let i = 0; i < ids.length; i++) {
    const base = [image ? (image[i * 4] as number) : 0, image ? (image[i * 4 + 1] as number) : 0, image ? (image[i * 4 + 2] as number) : 0];
    const id = ids[i] as number;
    let colour: readonly number[] | null = null;
    let alpha = a;
    if (options.errors && options.errors[i]) {
      colour = ERROR_RGB;
      alpha = 1;
    } else if (!options.hidden.has(id)) colour = palette.get(id) ?? UNKNOWN_RGB;
    for (let c = 0; c < 3; c++) out[i * 4 + c] = colour ? Math.round((1 - alpha) * (base[c] as number) + alpha * (colour[c] as number)) : (base[c] as number);
    out[i * 4 + 3] = 255;
  }
  return out;
}

const CLASSES: ExampleClass[] = [
  { id: 0, name: 'background', rgb: [0, 0, 0] },
  { id: 1, name: 'circle', rgb: [0, 200, 0] },
  { id: 2, name: 'square', rgb: [17, 33, 250] },
];

/** A 4×4 mask with every class, an id outside the palette (7) and the ignored id (255); an image of distinct greys. */
const IDS = Uint8Array.from([0, 1, 2, 7, 1, 1, 2, 255, 2, 0, 0, 1, 7, 2, 1, 0]);
const TRUTH = Uint8Array.from([0, 1, 1, 7, 2, 1, 2, 255, 2, 0, 1, 1, 7, 2, 0, 255]);
const IMAGE = Uint8ClampedArray.from({ length: 64 }, (_, i) => (i % 4 === 3 ? 255 : (i * 37 + 11) % 256));

describe('the segmentation overlay', () => {
  const cases: Array<[string, OverlayOptions, ArrayLike<number> | null]> = [
    ['every class at 0.6', { classes: CLASSES, hidden: new Set(), opacity: 0.6 }, IMAGE],
    ['a hidden class at 0.35', { classes: CLASSES, hidden: new Set([1]), opacity: 0.35 }, IMAGE],
    ['hidden classes and the unknown id', { classes: CLASSES, hidden: new Set([0, 7]), opacity: 0.8 }, IMAGE],
    ['the error map', { classes: CLASSES, hidden: new Set([2]), opacity: 0.45, errors: errorMap(TRUTH, IDS) }, IMAGE],
    ['no image underneath', { classes: CLASSES, hidden: new Set(), opacity: 0.3, errors: errorMap(TRUTH, IDS) }, null],
    ['opacity beyond 0..1', { classes: CLASSES, hidden: new Set(), opacity: 1.7 }, IMAGE],
    ['a palette naming one id twice (the later wins)', { classes: [...CLASSES, { id: 1, name: 'ring', rgb: [9, 99, 199] }], hidden: new Set(), opacity: 0.25 }, IMAGE],
  ];
  it.each(cases)('gives the same pixels as before: %s', (_, options, image) => {
    expect([...overlayPixels(IDS, image, options)]).toEqual([...oracleOverlay(IDS, image, options)]);
  });

  it('writes into the buffer it is given (a canvas ImageData reused between draws)', () => {
    const options = { classes: CLASSES, hidden: new Set<number>(), opacity: 0.5 };
    const buffer = new Uint8ClampedArray(IDS.length * 4);
    expect(overlayPixels(IDS, IMAGE, options, buffer)).toBe(buffer);
    expect([...buffer]).toEqual([...oracleOverlay(IDS, IMAGE, options)]);
  });

  it('draws a 512×512 mask with the same pixels as before', () => {
    const n = 512 * 512;
    const ids = Uint8Array.from({ length: n }, (_, i) => (i * 7919) % 4);
    const image = Uint8ClampedArray.from({ length: n * 4 }, (_, i) => (i * 31) % 256);
    const options = { classes: CLASSES, hidden: new Set([2]), opacity: 0.55, errors: errorMap(ids.map((v) => (v + 1) % 4), ids) };
    const drawn = overlayPixels(ids, image, options);
    const expected = oracleOverlay(ids, image, options);
    let differing = 0;
    for (let i = 0; i < expected.length; i++) if (drawn[i] !== expected[i]) differing++;
    expect([drawn.length, differing]).toEqual([n * 4, 0]);
  });
});

function example(id: string): SegmentationExample {
  return {
    id, image: `examples/${id}-image.png`, truth: `examples/${id}-truth.png`,
    predictions: { sft: `examples/${id}-pred-sft.png`, dpo: `examples/${id}-pred-dpo.png` },
    recall: { sft: 0.5, dpo: 0.5 }, iou: { sft: 0.5, dpo: 0.5 },
  };
}

/** Redraws whose scheduled flushes run when `run()` is called, as animation frames would. */
function redrawsWithFrames(): { redraws: ExampleRedraws; draw: ReturnType<typeof vi.fn>; frames: () => number; run: () => void } {
  const queued: Array<() => void> = [];
  const draw = vi.fn<(id: string) => void>();
  const redraws = new ExampleRedraws(draw, (flush) => queued.push(flush));
  return { redraws, draw, frames: () => queued.length, run: () => queued.splice(0).forEach((flush) => flush()) };
}

describe('which segmentation examples are redrawn', () => {
  const EXAMPLES = ['a', 'b', 'c', 'd'].map(example);

  it('redraws only the example whose image loaded, once per frame however many of its images loaded', () => {
    const { redraws, draw, frames, run } = redrawsWithFrames();
    redraws.setExamples(EXAMPLES);
    for (const ex of EXAMPLES) redraws.setOnScreen(ex.id, true);
    run();
    expect(draw.mock.calls.map(([id]) => id)).toEqual(['a', 'b', 'c', 'd']);
    draw.mockClear();

    redraws.fileLoaded('examples/c-truth.png');
    redraws.fileLoaded('examples/c-pred-dpo.png');
    expect(frames()).toBe(1);
    run();
    expect(draw.mock.calls).toEqual([['c']]);
    redraws.fileLoaded('examples/unknown.png');
    run();
    expect(draw.mock.calls).toEqual([['c']]);
  });

  it('draws an off-screen example only when it comes into view, and a control change redraws what is on screen', () => {
    const { redraws, draw, run } = redrawsWithFrames();
    redraws.setExamples(EXAMPLES);
    redraws.setOnScreen('a', true);
    redraws.setOnScreen('b', true);
    run();
    expect(draw.mock.calls.map(([id]) => id)).toEqual(['a', 'b']);
    draw.mockClear();

    redraws.allChanged();
    run();
    expect(draw.mock.calls.map(([id]) => id)).toEqual(['a', 'b']);
    draw.mockClear();

    redraws.setOnScreen('a', false);
    redraws.setOnScreen('d', true);
    run();
    expect(draw.mock.calls).toEqual([['d']]);
    draw.mockClear();
    redraws.setOnScreen('d', true);
    run();
    expect(draw.mock.calls).toEqual([]);
  });
});

describe('the pixel under the pointer', () => {
  it('maps a pointer over a zoomed 160 px box of a 64×64 mask to its pixel, and nothing outside it', () => {
    // Zoomed ×2: the box on screen is 320 px wide, starting 100 px left of the frame.
    const box = { left: -100, top: 50, width: 320, height: 320 };
    expect(pixelUnder(box, -100, 50, 64, 64)).toBe(0);
    expect(pixelUnder(box, -100 + 5 * 5 + 2, 50 + 3 * 5 + 4, 64, 64)).toBe(3 * 64 + 5);
    expect(pixelUnder(box, 219.9, 369.9, 64, 64)).toBe(64 * 64 - 1);
    expect(pixelUnder(box, 220, 100, 64, 64)).toBeNull();
    expect(pixelUnder(box, 0, 49, 64, 64)).toBeNull();
    expect(pixelUnder({ left: 0, top: 0, width: 0, height: 0 }, 0, 0, 64, 64)).toBeNull();
  });

  it('names a class by the report palette, the ignored id and ids the palette lacks', () => {
    expect([1, 255, 7].map((id) => className(CLASSES, id))).toEqual(['circle', 'ignored', 'class 7']);
  });
});
