// @vitest-environment happy-dom
// The Compare screen's example viewers: Grad-CAM maps per model with their focus scores, and the segmentation
// viewer's order (worst SFT→DPO recall change first), error map and class legend.
import { mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReportExamplesIndex, SegmentationExample } from '../../src-shared/domain/reports';
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
      focus: { sft: 0.25, dpo: 0.75, original: 0.5 } },
    { id: 'p2', question: 'How many squares?', image: 'examples/p2-image.png', mask: 'examples/p2-mask.png',
      maps: { sft: 'examples/p2-gradcam-sft.png', dpo: 'examples/p2-gradcam-dpo.png' }, focus: { sft: 0.125, dpo: null } },
  ],
  segmentation: [seg('a', 0.5, 0.6), seg('b', 0.9, 0.4), seg('c', null, 0.2), seg('d', 0.7, 0.6)],
  classes: [{ id: 0, name: 'background', rgb: [0, 0, 0] }, { id: 1, name: 'circle', rgb: [0, 200, 0] }, { id: 2, name: 'square', rgb: [0, 0, 200] }],
};

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
    await w.get('[data-testid="gradcam-sample"]').setValue('1');
    await settle();
    expect(w.get('[data-testid="gradcam-viewer"]').text()).toContain('How many squares?');
    expect(w.find('[data-testid="gradcam-map-original"]').exists()).toBe(false);
    expect(w.get('[data-testid="gradcam-focus-dpo"]').text()).toBe('—');
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

  it('shows no viewer for a report without examples', async () => {
    const w = await mountCompare(undefined);
    expect(w.find('[data-testid="compare-row"]').exists()).toBe(true);
    expect(w.find('[data-testid="gradcam-viewer"]').exists()).toBe(false);
    expect(w.find('[data-testid="seg-viewer"]').exists()).toBe(false);
  });
});
