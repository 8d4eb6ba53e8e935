// @vitest-environment happy-dom
// The Compare screen's example viewers: Grad-CAM maps per model with their focus scores and the method toggle
// (study's variant / standard Grad-CAM), the segmentation viewer's order (worst SFT→DPO recall change first), error
// map and class legend, and the zoom/pan view every panel of a viewer shares.
import { mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReportExamplesIndex, SegmentationExample } from '../../src-shared/domain/study-examples';
import { createApi, setApi } from '../../src-renderer/src/api';
import App from '../../src-renderer/src/App.vue';
import { errorMap, overlayPixels, sortWorstFirst } from '../../src-renderer/src/components/compare/seg-pixels';
import { smallReport } from './compare-report';
import { FakeBackend } from './fake-backend';
import { settle } from './mount-screen';

let wrapper: VueWrapper | null = null;
beforeEach(() => history.replaceState(null, '', '/'));
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  setApi(null);
});

function seg(id: string, sft: number | null, dpo: number | null): SegmentationExample {
  return {
    id, image: `examples/${id}-image.png`, truth: `examples/${id}-truth.png`,
    predictions: { sft: `examples/${id}-pred-sft.png`, dpo: `examples/${id}-pred-dpo.png` },
    recall: { sft, dpo }, iou: { sft, dpo },
  };
}

const INDEX: ReportExamplesIndex = {
  gradcam: [
    { id: 'p1', question: 'Where is the red circle?', image: 'examples/p1-image.png', mask: 'examples/p1-mask.png',
      maps: { sft: 'examples/p1-gradcam-sft.png', dpo: 'examples/p1-gradcam-dpo.png', original: 'examples/p1-gradcam-original.png' },
      focus: { sft: 0.25, dpo: 0.75, original: 0.5 },
      layerMaps: { sft: 'examples/p1-gradcam-layer-sft.png', dpo: 'examples/p1-gradcam-layer-dpo.png' }, layerFocus: { sft: 0.625, dpo: 0.375 } },
    { id: 'p2', question: 'How many squares?', image: 'examples/p2-image.png', mask: 'examples/p2-mask.png',
      maps: { sft: 'examples/p2-gradcam-sft.png', dpo: 'examples/p2-gradcam-dpo.png' }, focus: { sft: 0.125, dpo: null } },
  ],
  segmentation: [seg('a', 0.5, 0.6), seg('b', 0.9, 0.4), seg('c', null, 0.2), seg('d', 0.7, 0.6)],
  classes: [{ id: 0, name: 'background', rgb: [0, 0, 0] }, { id: 1, name: 'circle', rgb: [0, 200, 0] }, { id: 2, name: 'square', rgb: [0, 0, 200] }],
  gradcamLayer: { layer: 3, protocol: 'gradcam-focus/layer/hidden-state-3' },
};

/** Every panel's transform inside one viewer. */
function transforms(w: VueWrapper, viewer: string): string[] {
  return w.get(`[data-testid="${viewer}"]`).findAll('[data-testid="zoom-content"]').map((c) => (c.element as HTMLElement).style.transform);
}

/** Gives a panel a 200×100 box at (10, 20), as a laid-out window would. */
function layOut(el: Element): void {
  el.getBoundingClientRect = () => ({ left: 10, top: 20, width: 200, height: 100, right: 210, bottom: 120, x: 10, y: 20, toJSON: () => ({}) }) as DOMRect;
}

async function mountCompare(index: ReportExamplesIndex | undefined): Promise<VueWrapper> {
  const backend = new FakeBackend([]);
  backend.overrides.set('reports:list', () => [{ name: 'r1', date: '2026-01-02T03:04:05.000Z', recipe: 'shapes-quick', backend: 'cpu', encoders: ['original', 'sft', 'dpo'] }]);
  backend.overrides.set('reports:get', () => ({ ...smallReport(), ...(index ? { examplesIndex: index } : {}) }));
  const pinia = createPinia();
  setActivePinia(pinia);
  setApi(createApi(backend));
  wrapper = mount(App, { global: { plugins: [pinia], stubs: { Echarts: true } }, attachTo: document.body });
  await settle();
  await wrapper.get('[data-testid="nav-compare"]').trigger('click');
  await settle();
  return wrapper;
}

describe('segmentation viewer logic', () => {
  it('sorts images by the SFT→DPO recall change, worst first, images without both scores last', () => {
    expect(sortWorstFirst(INDEX.segmentation).map((s) => s.id)).toEqual(['b', 'd', 'a', 'c']);
  });

  it('marks the pixels where the prediction differs from the truth (2×2), never ignored ones', () => {
    expect([...errorMap([0, 1, 2, 1], [0, 2, 2, 0])]).toEqual([0, 1, 0, 1]);
    expect([...errorMap([255, 1, 1, 1], [0, 1, 1, 1])]).toEqual([0, 0, 0, 0]);
    // Error pixels are drawn red at full opacity over the image; the others in their class colour.
    const image = new Uint8ClampedArray(16).fill(100);
    const rgba = overlayPixels([0, 2, 2, 0], image, { classes: INDEX.classes, hidden: new Set(), opacity: 1, errors: errorMap([0, 1, 2, 1], [0, 2, 2, 0]) });
    expect([...rgba.slice(4, 8)]).toEqual([255, 0, 0, 255]);
    expect([...rgba.slice(12, 16)]).toEqual([255, 0, 0, 255]);
    expect([...rgba.slice(8, 12)]).toEqual([0, 0, 200, 255]);
  });

  it('leaves a hidden class showing the image', () => {
    const image = new Uint8ClampedArray([10, 20, 30, 255, 10, 20, 30, 255]);
    const rgba = overlayPixels([1, 2], image, { classes: INDEX.classes, hidden: new Set([1]), opacity: 0.5 });
    expect([...rgba.slice(0, 4)]).toEqual([10, 20, 30, 255]);
    expect([...rgba.slice(4, 8)]).toEqual([5, 10, 115, 255]);
  });
});

describe('the compare viewers', () => {
  it('shows the SFT map beside the DPO map and the original, with focus scores and a sample picker', async () => {
    const w = await mountCompare(INDEX);
    const viewer = w.get('[data-testid="gradcam-viewer"]');
    expect(viewer.text()).toContain('Where is the red circle?');
    const maps = viewer.findAll('[data-testid^="gradcam-map-"]').map((m) => m.attributes('data-testid'));
    expect(maps).toEqual(['gradcam-map-original', 'gradcam-map-sft', 'gradcam-map-dpo']);
    expect(w.get('[data-testid="gradcam-focus-sft"]').text()).toBe('0.250');
    expect(w.get('[data-testid="gradcam-focus-dpo"]').text()).toBe('0.750');
    expect(w.get('[data-testid="gradcam-map-dpo"] img').attributes('src')).toBe('/reports/r1/examples/p1-gradcam-dpo.png');
    // The colour bar beside the maps runs through the engine's viewer scale, dark violet (0) at the bottom to yellow (1).
    const scale = w.get('[data-testid="gradcam-scale"]');
    expect(scale.get('.scale__bar').attributes('style')).toContain('linear-gradient(to top, rgb(68,1,84) 0.0%,');
    expect(scale.get('.scale__bar').attributes('style')).toContain('rgb(253,231,37) 100.0%)');
    expect(scale.findAll('li').map((li) => li.text())).toEqual(["1 · the map's highest", '0.5', '0 · its lowest']);
    await w.get('[data-testid="gradcam-sample"]').setValue('1');
    await settle();
    expect(w.get('[data-testid="gradcam-viewer"]').text()).toContain('How many squares?');
    expect(w.find('[data-testid="gradcam-map-original"]').exists()).toBe(false);
    expect(w.get('[data-testid="gradcam-focus-dpo"]').text()).toBe('—');
  });

  it("colours a class as its name says, whatever palette the report carries (a yellow ring drawn dark blue)", async () => {
    const w = await mountCompare({ ...INDEX, classes: [{ id: 0, name: 'background', rgb: [0, 0, 0] }, { id: 1, name: 'yellow ring', rgb: [40, 60, 200] }] });
    const swatch = w.get('[data-testid="seg-class-1"] .seg__swatch');
    expect((swatch.element as HTMLElement).style.background.replace(/\s/g, '')).toBe('rgb(245,225,30)');
  });

  it('lists the segmentation images worst first, with the controls, and the legend toggle hides a class', async () => {
    const w = await mountCompare(INDEX);
    expect(w.find('[data-testid="seg-viewer"]').exists()).toBe(true);
    expect(w.findAll('[data-testid="seg-image-row"]').map((r) => r.attributes('data-id'))).toEqual(['b', 'd', 'a', 'c']);
    expect(w.find('[data-testid="seg-opacity"]').exists()).toBe(true);
    expect(w.find('[data-testid="seg-error-toggle"]').exists()).toBe(true);
    expect(w.findAll('[data-testid="seg-image-row"]')[0]!.text()).toContain('recall 0.900');
    const circle = () => w.get('[data-testid="seg-class-1"]');
    expect(circle().attributes('data-hidden')).toBe('false');
    await circle().get('input').trigger('change');
    await settle();
    expect(circle().attributes('data-hidden')).toBe('true');
    expect(circle().get('input').element.checked).toBe(false);
    await circle().get('input').trigger('change');
    expect(circle().attributes('data-hidden')).toBe('false');
  });

  it('switches the Grad-CAM maps, focus scores and named protocol between the study variant and standard Grad-CAM', async () => {
    const w = await mountCompare(INDEX);
    const method = w.get('[data-testid="gradcam-method"]');
    expect(method.findAll('option').map((o) => o.text())).toEqual(['gradient at the projector (study)', 'Grad-CAM, encoder layer 3']);
    expect(w.get('[data-testid="gradcam-protocol"]').text()).toContain('gradcam-focus/projector-l1');
    await method.setValue('layer');
    await settle();
    expect(w.get('[data-testid="gradcam-protocol"]').text()).toContain('gradcam-focus/layer/hidden-state-3');
    expect(w.get('[data-testid="gradcam-protocol"]').text()).toContain('encoder hidden state 3');
    // Only the models with standard maps: no original.
    expect(w.findAll('[data-testid^="gradcam-map-"]').map((m) => m.attributes('data-testid'))).toEqual(['gradcam-map-sft', 'gradcam-map-dpo']);
    expect(w.get('[data-testid="gradcam-map-sft"] img').attributes('src')).toBe('/reports/r1/examples/p1-gradcam-layer-sft.png');
    expect(w.get('[data-testid="gradcam-map-dpo"] img').attributes('src')).toBe('/reports/r1/examples/p1-gradcam-layer-dpo.png');
    expect(w.get('[data-testid="gradcam-focus-sft"]').text()).toBe('0.625');
    expect(w.get('[data-testid="gradcam-focus-dpo"]').text()).toBe('0.375');
    // A sample without standard maps says so instead of showing the other method's.
    await w.get('[data-testid="gradcam-sample"]').setValue('1');
    await settle();
    expect(w.find('[data-testid="gradcam-map-sft"]').exists()).toBe(false);
    expect(w.get('[data-testid="gradcam-no-maps"]').text()).toBe('No maps of this method for this sample.');
    await w.get('[data-testid="gradcam-method"]').setValue('projector-l1');
    await settle();
    expect(w.get('[data-testid="gradcam-map-sft"] img').attributes('src')).toBe('/reports/r1/examples/p2-gradcam-sft.png');
    expect(w.get('[data-testid="gradcam-focus-sft"]').text()).toBe('0.125');
  });

  it('has no method toggle for a report without standard Grad-CAM maps', async () => {
    const { gradcamLayer: _, ...older } = INDEX;
    const w = await mountCompare(older);
    expect(w.find('[data-testid="gradcam-method"]').exists()).toBe(false);
    expect(w.get('[data-testid="gradcam-focus-sft"]').text()).toBe('0.250');
  });

  it('zooms and pans every segmentation panel together, and a double click or the button shows the whole image', async () => {
    const w = await mountCompare(INDEX);
    // 4 images × (image, truth, SFT, DPO).
    expect(transforms(w, 'seg-viewer')).toHaveLength(16);
    expect(new Set(transforms(w, 'seg-viewer'))).toEqual(new Set(['translate(0%, 0%) scale(1)']));
    const frames = w.get('[data-testid="seg-viewer"]').findAll('[data-testid="zoom-frame"]');
    // Wheel 310 px up over the truth of the 2nd image, the cursor at (0.75, 0.25) of the panel: ×2 about that point.
    layOut(frames[5]!.element);
    await frames[5]!.trigger('wheel', { deltaY: -310, clientX: 10 + 150, clientY: 20 + 25 });
    expect(new Set(transforms(w, 'seg-viewer'))).toEqual(new Set(['translate(-75%, -25%) scale(2)']));
    expect(w.get('[data-testid="seg-zoom"]').text()).toBe('×2.0');
    // The Grad-CAM viewer keeps its own view.
    expect(new Set(transforms(w, 'gradcam-viewer'))).toEqual(new Set(['translate(0%, 0%) scale(1)']));
    // Drag another panel 25 px left, 25 px down (1/8 and 1/4 of its box): the view centre moves by half that at ×2.
    const other = frames[14]!;
    layOut(other.element);
    await other.trigger('pointerdown', { button: 0, pointerId: 1, clientX: 100, clientY: 50 });
    await other.trigger('pointermove', { pointerId: 1, clientX: 75, clientY: 75 });
    await other.trigger('pointerup', { pointerId: 1, clientX: 75, clientY: 75 });
    // Centre (0.625 + 0.0625, 0.375 − 0.125) = (0.6875, 0.25).
    expect(new Set(transforms(w, 'seg-viewer'))).toEqual(new Set(['translate(-87.5%, 0%) scale(2)']));
    await other.trigger('pointermove', { pointerId: 1, clientX: 0, clientY: 0 });
    expect(transforms(w, 'seg-viewer')[0]).toBe('translate(-87.5%, 0%) scale(2)');
    await frames[0]!.trigger('dblclick');
    expect(new Set(transforms(w, 'seg-viewer'))).toEqual(new Set(['translate(0%, 0%) scale(1)']));
    await frames[5]!.trigger('wheel', { deltaY: -310, clientX: 160, clientY: 45 });
    await w.get('[data-testid="seg-zoom-reset"]').trigger('click');
    expect(new Set(transforms(w, 'seg-viewer'))).toEqual(new Set(['translate(0%, 0%) scale(1)']));
  });

  it('zooms the Grad-CAM image and maps together', async () => {
    const w = await mountCompare(INDEX);
    const frames = w.get('[data-testid="gradcam-viewer"]').findAll('[data-testid="zoom-frame"]');
    expect(frames).toHaveLength(4);
    layOut(frames[2]!.element);
    await frames[2]!.trigger('wheel', { deltaY: -310, clientX: 10, clientY: 20 });
    expect(new Set(transforms(w, 'gradcam-viewer'))).toEqual(new Set(['translate(0%, 0%) scale(2)']));
    expect(w.get('[data-testid="gradcam-zoom"]').text()).toBe('×2.0');
  });

  it('shows no viewer for a report without examples', async () => {
    const w = await mountCompare(undefined);
    expect(w.find('[data-testid="compare-row"]').exists()).toBe(true);
    expect(w.find('[data-testid="gradcam-viewer"]').exists()).toBe(false);
    expect(w.find('[data-testid="seg-viewer"]').exists()).toBe(false);
  });
});
