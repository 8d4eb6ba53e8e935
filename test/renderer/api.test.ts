// @vitest-environment happy-dom
// The api client: channel names map to methods, answers come back as data, `{ok:false}` becomes a PivotError.
import { afterEach, describe, expect, it } from 'vitest';
import { reactive } from 'vue';
import { PivotError } from '../../src-shared/errors';
import type { ChannelName, Result } from '../../src-shared/ipc/contract';
import type { PreloadBridge } from '../../src-shared/ipc/wire';
import { camelCase, createApi, createDefaultTransport } from '../../src-renderer/src/api';
import { createElectronTransport } from '../../src-renderer/src/api/electron';
import type { Transport } from '../../src-renderer/src/api/transport';
import { FakeBackend, makePair } from './fake-backend';

/** A transport that answers every request with the given result and records what it was asked. */
function scripted(answer: (channel: ChannelName, request: unknown) => Result<unknown> | Promise<Result<unknown>>) {
  const calls: [ChannelName, unknown][] = [];
  const transport: Transport = {
    kind: 'fake',
    invoke: async (channel, request) => {
      calls.push([channel, request]);
      return answer(channel, request);
    },
    on: () => () => {},
    imageUrl: (hash, thumb) => `img:${hash}:${thumb}`,
  };
  return { transport, calls };
}

describe('createApi', () => {
  it('derives one method per channel: domain:verb → api[domain][camelCase(verb)]', async () => {
    const { transport, calls } = scripted(() => ({ ok: true, data: null }));
    const api = createApi(transport);
    await api.pairs.list({ offset: 200, limit: 100 });
    await api.pairs.update({ id: 7, edit: { status: 'accepted' } });
    await api.workspace.info({});
    await api.dialog.pickFile({ purpose: 'import' });
    await api.data.import({ path: '/x.jsonl', job: 'j1' });
    await api.pairs.bulk({ target: { ids: [1, 2] }, action: { kind: 'delete' }, job: 'j2' });
    expect(calls).toEqual([
      ['pairs:list', { offset: 200, limit: 100 }],
      ['pairs:update', { id: 7, edit: { status: 'accepted' } }],
      ['workspace:info', {}],
      ['dialog:pick-file', { purpose: 'import' }],
      ['data:import', { path: '/x.jsonl', job: 'j1' }],
      ['pairs:bulk', { target: { ids: [1, 2] }, action: { kind: 'delete' }, job: 'j2' }],
    ]);
    expect(Object.keys(api.pairs).sort()).toEqual(['agreement', 'bulk', 'counts', 'get', 'history', 'list', 'review', 'swap', 'undo', 'undoBulk', 'update']);
    expect(Object.keys(api.imports).sort()).toEqual(['list', 'rejections']);
    expect(Object.keys(api.datasets)).toEqual(['stats']);
    expect(Object.keys(api.data).sort()).toEqual(['export', 'import']);
    expect(camelCase('pick-file')).toBe('pickFile');
    expect(camelCase('a-b-c')).toBe('aBC');
  });

  it('resolves with the data of an ok result', async () => {
    const pair = makePair(3, { status: 'rejected' });
    const api = createApi(scripted(() => ({ ok: true, data: pair })).transport);
    const got = await api.pairs.get({ id: 3 });
    expect(got.id).toBe(3);
    expect(got.status).toBe('rejected');
  });

  it('throws a PivotError with the code, message and details of an {ok:false} result', async () => {
    const api = createApi(
      scripted(() => ({ ok: false, error: { code: 'NOTHING_TO_UNDO', message: 'Pair 4 has no edit to undo.', details: { id: 4 } } }))
        .transport,
    );
    const err = await api.pairs.undo({ id: 4 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PivotError);
    expect((err as PivotError).code).toBe('NOTHING_TO_UNDO');
    expect((err as PivotError).message).toBe('Pair 4 has no edit to undo.');
    expect((err as PivotError).details).toEqual({ id: 4 });
  });

  it('turns an unknown error code, a malformed answer and a thrown transport error into INTERNAL', async () => {
    const unknownCode = createApi(scripted(() => ({ ok: false, error: { code: 'WHAT' as never, message: 'odd' } })).transport);
    const e1 = (await unknownCode.pairs.get({ id: 1 }).catch((e: unknown) => e)) as PivotError;
    expect([e1.code, e1.message]).toEqual(['INTERNAL', 'odd']);

    const malformed = createApi(scripted(() => 'nope' as unknown as Result<unknown>).transport);
    const e2 = (await malformed.pairs.get({ id: 1 }).catch((e: unknown) => e)) as PivotError;
    expect(e2.code).toBe('INTERNAL');
    expect(e2.message).toContain('pairs:get');

    const throwing = createApi(
      scripted(() => {
        throw new Error('An object could not be cloned.');
      }).transport,
    );
    const e3 = (await throwing.pairs.counts({}).catch((e: unknown) => e)) as PivotError;
    expect(e3).toBeInstanceOf(PivotError);
    expect(e3.code).toBe('INTERNAL');
    expect(e3.message).toBe('pairs:counts failed: An object could not be cloned.');
  });

  it('passes a PivotError thrown by the transport through unchanged', async () => {
    const original = new PivotError('WORKSPACE_UNAVAILABLE', 'socket closed');
    const api = createApi(
      scripted(() => {
        throw original;
      }).transport,
    );
    await expect(api.workspace.info({})).rejects.toBe(original);
  });

  it('sends plain data even when given Vue reactive objects (structured clone refuses proxies)', async () => {
    const { transport, calls } = scripted(() => ({ ok: true, data: { items: [], total: 0, offset: 0 } }));
    const api = createApi(transport);
    const filter = reactive({ status: ['pending' as const], text: undefined as string | undefined });
    await api.pairs.list({ filter });
    const sent = calls[0]![1] as { filter: object };
    expect(sent).toEqual({ filter: { status: ['pending'] } });
    expect(sent.filter).not.toBe(filter);
  });

  it('hands events and image URLs to the transport', () => {
    const backend = new FakeBackend([]);
    const api = createApi(backend);
    const seen: number[] = [];
    const off = api.on('job:progress', (p) => seen.push(p.done));
    backend.emit('job:progress', { job: 'j', done: 3, total: 10, label: 'x' });
    off();
    backend.emit('job:progress', { job: 'j', done: 4, total: 10, label: 'x' });
    expect(seen).toEqual([3]);
    expect(api.imageUrl('ab', { thumb: true })).toBe('fake://ab?thumb');
    expect(api.imageUrl('ab')).toBe('fake://ab');
  });
});

describe('the Electron transport', () => {
  const hash = 'a'.repeat(64);
  afterEach(() => {
    delete window.pivot;
  });

  it('is chosen when the preload bridge exists, and serves images from pivot-image://', async () => {
    const invoked: [ChannelName, unknown][] = [];
    const bridge: PreloadBridge = {
      invoke: async (channel, request) => {
        invoked.push([channel, request]);
        return { ok: true, data: { path: '/ws' } };
      },
      on: () => () => {},
    };
    window.pivot = bridge;
    const transport = createDefaultTransport();
    expect(transport.kind).toBe('electron');
    const api = createApi(transport);
    expect(await api.workspace.info({})).toEqual({ path: '/ws' });
    expect(invoked).toEqual([['workspace:info', {}]]);
    expect(api.imageUrl(hash)).toBe(`pivot-image://image/${hash}`);
    expect(api.imageUrl(hash, { thumb: true })).toBe(`pivot-image://image/${hash}?thumb=1`);
    expect(createElectronTransport(bridge).imageUrl(hash, false)).toBe(`pivot-image://image/${hash}`);
  });
});
