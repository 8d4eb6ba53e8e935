// A window's workspace written by another connection (as `pivot data import` or `pivot train` do beside the app or
// `pivot serve`): the watcher announces pair changes as `pairs:changed` and changed runs as `run:status`, within
// about a poll; its own connection's writes and a training's log lines announce nothing.
import { afterEach, describe, expect, it } from 'vitest';
import type { EventName, Events } from '../../../src-shared/ipc/contract';
import { announceOtherProcessChanges } from '../../../src-main/ipc/workspace-changes';
import { Workspace } from '../../../src-main/store/workspace';
import { storedImage, workspaceWithPairs } from '../../helpers/workspace';

const POLL_MS = 50;
type Sent = { event: EventName; payload: Events[EventName] };

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function watched(): Promise<{ window: Workspace; other: Workspace; sent: Sent[] }> {
  const window = await workspaceWithPairs([{ question: 'Q?', chosen: 'A.', rejected: 'B.' }]);
  const other = Workspace.open(window.dir);
  const sent: Sent[] = [];
  const stop = announceOtherProcessChanges(window, (event, payload) => sent.push({ event, payload }), POLL_MS);
  cleanups.push(() => {
    stop();
    other.close();
    window.close();
  });
  return { window, other, sent };
}

const settle = (ms = POLL_MS * 4): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until `sent` holds something, for at most 1.5 s. */
async function firstSent(sent: Sent[]): Promise<Sent[]> {
  const until = Date.now() + 1500;
  while (sent.length === 0 && Date.now() < until) await settle(POLL_MS / 2);
  return sent;
}

describe('changes made by another process', () => {
  it('announces pairs:changed when another connection imports pairs', async () => {
    const { other, sent } = await watched();
    const dataset = other.pairs.ensureDataset('cli-import', 'trl', null);
    other.pairs.insertMany(dataset, [{ image: await storedImage(other, 1), question: 'New?', chosen: 'C.', rejected: 'D.', origin: {} }]);
    expect(await firstSent(sent)).toEqual([{ event: 'pairs:changed', payload: { reason: 'another process' } }]);
    await settle();
    expect(sent).toHaveLength(1);
  });

  it('announces pairs:changed when another connection edits a pair', async () => {
    const { other, sent } = await watched();
    other.pairs.update(1, { status: 'accepted' });
    expect(await firstSent(sent)).toEqual([{ event: 'pairs:changed', payload: { reason: 'another process' } }]);
  });

  it('announces run:status with the whole run for a run another process queues and then updates', async () => {
    const { other, sent } = await watched();
    const run = other.runs.create({ name: 'cli-run', recipe: 'shapes', objective: 'dpo', backend: null, data: null, ownerPid: process.pid });
    expect(await firstSent(sent)).toEqual([{ event: 'run:status', payload: { run } }]);
    sent.length = 0;
    other.runs.appendLogs(run.id, [{ level: 'info', message: 'step 1' }]);
    await settle();
    expect(sent).toEqual([]);
    const running = other.runs.update(run.id, { status: 'running', startedAt: new Date().toISOString() });
    expect(await firstSent(sent)).toEqual([{ event: 'run:status', payload: { run: running } }]);
  });

  it('announces nothing for the window connection’s own writes', async () => {
    const { window, sent } = await watched();
    window.pairs.update(1, { status: 'rejected' });
    window.runs.create({ recipe: 'shapes', objective: 'sft', backend: null, data: null, ownerPid: process.pid });
    await settle();
    expect(sent).toEqual([]);
  });

  it('stops announcing once stopped', async () => {
    const window = await workspaceWithPairs([{ question: 'Q?', chosen: 'A.', rejected: 'B.' }]);
    const other = Workspace.open(window.dir);
    const sent: Sent[] = [];
    announceOtherProcessChanges(window, (event, payload) => sent.push({ event, payload }), POLL_MS)();
    other.pairs.update(1, { status: 'accepted' });
    await settle();
    expect(sent).toEqual([]);
    other.close();
    window.close();
  });
});
