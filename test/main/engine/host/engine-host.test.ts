// The engine host as a real child process (child_process.fork of entry.ts under tsx) running the engine's test
// double as its `train` job: events arrive in order, pause holds the steps until resume, cancel ends the job with its
// checkpoint; options the kind's schema refuses, and unknown kinds, are answered with failed.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineHost } from '../../../../src-main/engine-jobs/engine-host';
import type { FromHost, ToHost } from '../../../../src-main/engine/host/protocol';
import type { RunEvent, TrainResult } from '../../../../src-main/engine/train/api';
import { testHost, testRecipe, until } from '../../../helpers/training';
import { tempDir } from '../../../helpers/workspace';

interface Recorded {
  host: EngineHost;
  messages: FromHost<'train'>[];
  exit: Promise<{ code: number | null; signal: string | null }>;
}

function startJob(recipe: string, runDir = tempDir('pivot-run-')): Recorded {
  const host = testHost();
  const messages: FromHost<'train'>[] = [];
  host.onMessage((m) => messages.push(m as FromHost<'train'>));
  const exit = new Promise<{ code: number | null; signal: string | null }>((resolve) => host.onExit((code, signal) => resolve({ code, signal })));
  host.send({ type: 'job', kind: 'train', options: { recipe, runDir, objective: 'dpo' } });
  return { host, messages, exit };
}

const events = (messages: FromHost<'train'>[]): RunEvent[] => messages.flatMap((m) => (m.type === 'progress' ? [m.progress] : []));
const steps = (messages: FromHost<'train'>[]): number[] => events(messages).flatMap((e) => (e.type === 'metrics' ? [e.step] : []));

describe('the engine host process', () => {
  it('runs the job and delivers its events in order, then done, then exits 0', async () => {
    const recipe = testRecipe({ stages: [{ name: 'align', steps: 3 }, { name: 'dpo', steps: 4 }], stepMs: 5 });
    const { messages, exit } = startJob(recipe);
    expect(await exit).toEqual({ code: 0, signal: null });
    const kinds = events(messages).map((e) => (e.type === 'metrics' ? `${e.stage}:${e.step}` : e.type === 'stage' ? `stage ${e.stage}` : e.type));
    expect(kinds).toEqual([
      'log', 'stage align', 'align:1', 'align:2', 'align:3', 'checkpoint',
      'stage dpo', 'dpo:1', 'dpo:2', 'dpo:3', 'dpo:4', 'checkpoint',
    ]);
    const metrics = events(messages).find((e) => e.type === 'metrics');
    expect(metrics).toMatchObject({ values: { loss: 1, 'rewards/margins': 0.02, 'rewards/accuracies': expect.any(Number) } });
    const last = messages.at(-1);
    expect(last?.type).toBe('done');
    const result = (last as { result: TrainResult }).result;
    expect(result).toMatchObject({ objective: 'dpo', cancelled: false, stages: [{ name: 'align', steps: 3 }, { name: 'dpo', steps: 4 }] });
    expect(existsSync(join(result.finalCheckpoint, 'state.json'))).toBe(true);
  });

  it('holds the steps while paused and goes on after resume, even when steps never yield to the event loop', async () => {
    const recipe = testRecipe({ stages: [{ name: 'sft', steps: 400 }], stepMs: 5, busy: true });
    const { host, messages, exit } = startJob(recipe);
    await until(() => steps(messages).length >= 3, 'three steps');
    host.send({ type: 'pause' });
    await until(() => messages.some((m) => m.type === 'state' && m.state === 'paused'), 'the pause acknowledgement');
    // A step under way when the pause arrived may still finish; after that, nothing moves.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const held = steps(messages).length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(steps(messages).length).toBe(held);
    host.send({ type: 'resume' });
    await until(() => steps(messages).length >= held + 3, 'steps after resume');
    expect(steps(messages)).toEqual(Array.from({ length: steps(messages).length }, (_, i) => i + 1));
    host.send({ type: 'cancel' });
    expect((await exit).code).toBe(0);
  });

  it('cancel ends the job at its next step with cancelled: true and a checkpoint, also from a pause', async () => {
    const recipe = testRecipe({ stages: [{ name: 'sft', steps: 400 }], stepMs: 5, busy: true });
    const { host, messages, exit } = startJob(recipe);
    await until(() => steps(messages).length >= 2, 'two steps');
    host.send({ type: 'pause' });
    host.send({ type: 'cancel' });
    expect(await exit).toEqual({ code: 0, signal: null });
    const done = messages.at(-1) as Extract<FromHost<'train'>, { type: 'done' }>;
    expect(done.type).toBe('done');
    expect(done.result.cancelled).toBe(true);
    expect(done.result.stages[0]!.steps).toBe(steps(messages).length);
    expect(existsSync(join(done.result.finalCheckpoint, 'state.json'))).toBe(true);
    expect(messages.filter((m) => m.type === 'state').map((m) => (m as { state: string }).state)).toEqual(['paused', 'stopping']);
  });

  it("refuses options the kind's schema does not accept, before running anything", async () => {
    const host = testHost();
    const messages: FromHost[] = [];
    host.onMessage((m) => messages.push(m));
    const exit = new Promise<number | null>((resolve) => host.onExit((code) => resolve(code)));
    host.send({ type: 'job', kind: 'train', options: { recipe: '', runDir: tempDir('pivot-run-'), threads: 0 } } as ToHost);
    expect(await exit).toBe(0);
    expect(messages).toEqual([{
      type: 'failed',
      error: { code: 'INVALID_REQUEST', message: expect.stringMatching(/^The train job was sent options it cannot run: recipe: .*; threads: /) },
    }]);
  });

  it('answers a kind it does not know with failed', async () => {
    const host = testHost();
    const messages: FromHost[] = [];
    host.onMessage((m) => messages.push(m));
    const exit = new Promise<number | null>((resolve) => host.onExit((code) => resolve(code)));
    host.send({ type: 'job', kind: 'juggle', options: {} } as unknown as ToHost);
    expect(await exit).toBe(0);
    expect(messages).toEqual([{ type: 'failed', error: { code: 'INTERNAL', message: 'The engine host has no job of kind "juggle".' } }]);
  });
});
