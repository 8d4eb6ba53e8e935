// @vitest-environment happy-dom
// "New study…" on the Compare tab: the dialog offers the app's recipes, sends `studies:start` with the choice, shows
// the study's phase and progress from its job:progress events, and once the report is written refreshes the list
// and opens it; Cancel sends `studies:cancel` for the same job; the app's refusal shows in the dialog and an alert in the corner.
import { mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApi, setApi } from '../../src-renderer/src/api';
import App from '../../src-renderer/src/App.vue';
import { PivotError } from '../../src-shared/errors';
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

const RECIPES = [
  { name: 'shapes-quick', description: 'the whole pipeline in seconds', path: '/r/shapes-quick.yaml' },
  { name: 'shapes-study', description: 'the study: minutes on a laptop', path: '/r/shapes-study.yaml' },
  { name: 'shapes-sweep', description: 'a grid over the branch', path: '/r/shapes-sweep.yaml' },
];
const OLD = { name: 'older', date: '2025-12-01T00:00:00.000Z', recipe: 'shapes-study', backend: 'wasm', encoders: ['original', 'sft', 'dpo'] };
const NEW = { name: '2026-03-04_05-06-07', date: '2026-03-04T05:06:07.000Z', recipe: 'shapes-study', backend: 'wasm', encoders: ['original', 'sft', 'dpo'] };

function backend(): FakeBackend {
  const b = new FakeBackend([]);
  b.recipes = RECIPES;
  b.reports = [{ summary: OLD, report: smallReport() }];
  return b;
}

async function openDialog(b: FakeBackend): Promise<VueWrapper> {
  const pinia = createPinia();
  setActivePinia(pinia);
  setApi(createApi(b));
  wrapper = mount(App, { global: { plugins: [pinia], stubs: { Echarts: true } }, attachTo: document.body });
  await settle();
  await wrapper.get('[data-testid="nav-compare"]').trigger('click');
  await settle();
  expect(wrapper.get('[data-testid="new-study"]').text()).toBe('New study…');
  await wrapper.get('[data-testid="new-study"]').trigger('click');
  await settle();
  return wrapper;
}

const toasts = (w: VueWrapper) => w.findAll('[data-testid="toast"] .toast__message').map((t) => t.text());
const errors = (w: VueWrapper) => w.findAll('[data-testid="error-alert"] .alerts__message').map((t) => t.text());

describe('New study on the compare screen', () => {
  it('offers the recipes, starts the study with the choice, shows its phase, then opens its report', async () => {
    const b = backend();
    const w = await openDialog(b);
    const recipe = w.get('[data-testid="new-study-recipe"]');
    expect(recipe.findAll('option').map((o) => o.text())).toEqual(['shapes-quick', 'shapes-study', 'shapes-sweep', 'Recipe file…']);
    expect((recipe.element as HTMLSelectElement).value).toBe('shapes-quick');
    expect(w.get('[data-testid="new-study-description"]').text()).toBe('the whole pipeline in seconds');

    await recipe.setValue('shapes-study');
    await w.get('[data-testid="new-study-quick"]').setValue(true);
    await w.get('[data-testid="new-study-seeds"]').setValue('2');
    await w.get('[data-testid="new-study-start"]').trigger('click');
    await settle();
    const [request] = b.callsOf('studies:start');
    expect(request).toEqual({ recipe: 'shapes-study', quick: true, seeds: 2, job: b.study!.job });
    expect(b.study!.job).toMatch(/^study-/);
    expect(w.get('[data-testid="new-study-phase"]').text()).toBe('Starting…');
    expect(w.find('[data-testid="new-study-start"]').exists()).toBe(false);
    expect((w.get('[data-testid="new-study-recipe"]').element as HTMLSelectElement).disabled).toBe(true);

    b.emit('job:progress', { job: 'another-job', done: 5, total: 7, label: 'not this one' });
    b.emit('job:progress', { job: b.study!.job, done: 1.5, total: 7, label: 'Training the dpo branch of shapes-study: stage dpo (4/4), step 3 / 6' });
    await settle();
    expect(w.get('[data-testid="new-study-phase"]').text()).toBe('Training the dpo branch of shapes-study: stage dpo (4/4), step 3 / 6 · 21 %');
    const bar = w.get('[data-testid="new-study-progress"] progress').element as HTMLProgressElement;
    expect([bar.value, bar.max]).toEqual([1.5, 7]);
    expect(w.get('[data-testid="new-study"]').text()).toBe('Study running…');

    const lists = b.callsOf('reports:list').length;
    b.endStudy(NEW.name, { summary: NEW, report: smallReport() });
    await settle();
    expect(w.find('[data-testid="new-study-dialog"]').exists()).toBe(false);
    expect(b.callsOf('reports:list')).toHaveLength(lists + 1);
    expect(b.callsOf('reports:get').at(-1)).toEqual({ name: NEW.name });
    const select = w.get('[data-testid="report-select"]').element as HTMLSelectElement;
    expect(select.value).toBe(NEW.name);
    expect(Array.from(select.options).map((o) => o.value)).toEqual([NEW.name, 'older']);
    expect(toasts(w)).toContain(`Study finished: report ${NEW.name}.`);
    expect(w.get('[data-testid="new-study"]').text()).toBe('New study…');
  });

  it('cancels the running study for the same job: nothing written, the report list left as it was', async () => {
    const b = backend();
    const w = await openDialog(b);
    await w.get('[data-testid="new-study-start"]').trigger('click');
    await settle();
    const job = b.study!.job;
    const lists = b.callsOf('reports:list').length;
    await w.get('[data-testid="new-study-cancel"]').trigger('click');
    await settle();
    expect(b.callsOf('studies:cancel')).toEqual([{ job }]);
    expect(b.study).toBeNull();
    expect(b.callsOf('reports:list')).toHaveLength(lists);
    expect(toasts(w)).toContain('Study cancelled: nothing was written.');
    // The dialog stays for another try.
    expect(w.find('[data-testid="new-study-start"]').exists()).toBe(true);
    expect(w.find('[data-testid="new-study-progress"]').exists()).toBe(false);
  });

  it("shows the app's refusal in the dialog and as an alert in the corner, and keeps the study running when the dialog is closed", async () => {
    const b = backend();
    const w = await openDialog(b);
    await w.get('[data-testid="new-study-start"]').trigger('click');
    await settle();
    await w.get('[data-testid="new-study-close"]').trigger('click');
    await settle();
    expect(w.find('[data-testid="new-study-dialog"]').exists()).toBe(false);
    b.emit('job:progress', { job: b.study!.job, done: 3, total: 7, label: 'Measuring the sft encoder: linear probe, segmentation probe, alignment' });
    await settle();
    expect(w.get('[data-testid="study-bar-phase"]').text()).toBe('Measuring the sft encoder: linear probe, segmentation probe, alignment');

    await w.get('[data-testid="new-study"]').trigger('click');
    await settle();
    b.failStudy(new PivotError('INVALID_REQUEST', '/home/me/r.yaml: no "branches.dpo" stage; add one to train with dpo.'));
    await settle();
    expect(w.get('[data-testid="new-study-error"]').text()).toBe('/home/me/r.yaml: no "branches.dpo" stage; add one to train with dpo.');
    expect(errors(w)).toContain('Running the study: /home/me/r.yaml: no "branches.dpo" stage; add one to train with dpo.');
    expect(w.find('[data-testid="new-study-start"]').exists()).toBe(true);
  });
});
