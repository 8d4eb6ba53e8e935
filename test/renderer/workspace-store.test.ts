// @vitest-environment happy-dom
// The workspace store follows `pairs:changed`: a dataset imported by another process (`pivot data import` beside the
// window) appears in the dataset list, with its pair count and tags, without a reload.
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, describe, expect, it } from 'vitest';
import { createApi, setApi } from '../../src-renderer/src/api';
import { useWorkspaceStore } from '../../src-renderer/src/stores/workspace';
import { FakeBackend, manyPairs } from './fake-backend';
import { settle } from './mount-screen';

afterEach(() => setApi(null));

describe('the workspace store', () => {
  it('reloads the datasets, pair count and tags on pairs:changed', async () => {
    const backend = new FakeBackend(manyPairs(3));
    setActivePinia(createPinia());
    setApi(createApi(backend));
    const workspace = useWorkspaceStore();
    await workspace.load();
    expect(workspace.info?.datasets.map((d) => d.name)).toEqual(['shapes']);

    const imported = { name: 'cli-import', format: 'trl', pairs: 2, importedAt: '2025-01-02T00:00:00.000Z' };
    backend.info = { ...backend.info, datasets: [...backend.info.datasets, imported] };
    backend.pairs = [...backend.pairs, ...manyPairs(5, () => ({ tags: ['from-cli'] })).slice(3)];
    backend.emit('pairs:changed', { reason: 'another process' });
    await settle();
    expect(workspace.info?.datasets).toEqual([backend.info.datasets[0], imported]);
    expect(workspace.info?.pairs).toBe(5);
    expect(workspace.info?.tags).toEqual(['blurry', 'from-cli', 'hallucination']);
    expect(backend.callsOf('workspace:info')).toHaveLength(2);
  });
});
