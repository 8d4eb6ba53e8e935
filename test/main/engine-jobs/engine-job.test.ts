// Main's engine-job client, the one road for every kind: a host killed mid-job ends `crashed` with how and its last
// output; out-of-memory last words give OUT_OF_MEMORY; the job settles once, only after the host has exited; cancel
// kills a kind without steps at once and one with steps only after its grace period.
import { describe, expect, it } from 'vitest';
import type { EngineHost } from '../../../src-main/engine-jobs/engine-host';
import type { FromHost, ToHost } from '../../../src-main/engine/host/protocol';
import type { RunEvent } from '../../../src-main/engine/train/api';
import { jobResult, startEngineJob } from '../../../src-main/engine-jobs/engine-job';
import { dyingHost, testHost, testRecipe } from '../../helpers/training';
import { tempDir } from '../../helpers/workspace';

/** An in-process host: `say` delivers a message, `exit` ends it (as 'close' would), `kill` ends it by SIGKILL. */
function fakeHost() {
  const sent: ToHost[] = [];
  const listeners: Array<(m: FromHost) => void> = [];
  const exits: Array<(code: number | null, signal: string | null) => void> = [];
  let ended = false;
  const exit = (code: number | null, signal: string | null) => {
    if (ended) return;
    ended = true;
    for (const l of exits) l(code, signal);
  };
  const host: EngineHost = {
    pid: 7,
    send: (m) => void sent.push(m),
    onMessage: (l) => void listeners.push(l),
    onOutput: () => undefined,
    onExit: (l) => void exits.push(l),
    kill: () => exit(null, 'SIGKILL'),
  };
  return { host, sent, say: (m: FromHost) => listeners.forEach((l) => l(m)), exit };
}

describe('an engine job', () => {
  it('ends crashed, with the signal and the last output, when its host is killed mid-job', async () => {
    const recipe = testRecipe({ stages: [{ name: 'sft', steps: 2000 }], stepMs: 5, stderr: 'cuda: device lost' });
    const events: RunEvent[] = [];
    const job = startEngineJob(testHost, 'train', { recipe, runDir: tempDir('pivot-run-') }, { onProgress: (e) => events.push(e), during: 'before the run finished' });
    while (!events.some((e) => e.type === 'metrics')) await new Promise((resolve) => setTimeout(resolve, 10));
    process.kill(job.pid!, 'SIGKILL');
    const end = await job.ended;
    expect(end.type).toBe('crashed');
    expect((end as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'INTERNAL',
      message: 'The engine host crashed: it was killed by SIGKILL before the run finished.\ncuda: device lost',
    });
  }, 30_000);

  it('says OUT_OF_MEMORY when the last output says memory ran out, whatever the kind', async () => {
    const { host, sent } = dyingHost();
    const failure = jobResult(startEngineJob(() => host, 'export', { checkpoint: '/c', out: '/nowhere' }, { during: 'before the export finished; nothing was exported' }));
    await expect(failure).rejects.toMatchObject({
      code: 'OUT_OF_MEMORY',
      message: 'The engine ran out of memory and its host was killed by SIGKILL before the export finished; nothing was exported: ' +
        'use a smaller model, batch or image size, or another backend.\nFATAL ERROR: Reached heap limit',
    });
    expect(sent).toEqual([{ type: 'job', kind: 'export', options: { checkpoint: '/c', out: '/nowhere' } }]);
  });

  it('settles once, with its first answer, only after the host has exited', async () => {
    const fake = fakeHost();
    const job = startEngineJob(() => fake.host, 'backends', {}, { during: 'while probing backends' });
    let settled = false;
    void job.ended.then(() => (settled = true));
    fake.say({ type: 'done', result: [] });
    fake.say({ type: 'failed', error: { code: 'INTERNAL', message: 'late' } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);
    fake.exit(0, null);
    expect(await job.ended).toEqual({ type: 'done', result: [] });
  });

  it('kills a kind without steps at once on cancel, and hears nothing from it after', async () => {
    const fake = fakeHost();
    const heard: string[] = [];
    const job = startEngineJob(() => fake.host, 'study', { out: '/o' }, { onProgress: (p) => heard.push(p.type), during: 'before the study finished' });
    fake.say({ type: 'progress', progress: { type: 'phase', phase: 'train', message: 'Training' } });
    job.cancel();
    fake.say({ type: 'progress', progress: { type: 'phase', phase: 'measure', message: 'Measuring' } });
    expect(await job.ended).toEqual({ type: 'cancelled', killed: 'request' });
    expect(heard).toEqual(['phase']);
    expect(fake.sent.map((m) => m.type)).toEqual(['job']);
  });

  it('asks a kind with steps to stop, and kills it only when the grace period runs out', async () => {
    const fake = fakeHost();
    const job = startEngineJob(() => fake.host, 'train', { recipe: 'r', runDir: '/r' }, { during: 'before the run finished', cancelGraceMs: 50 });
    job.cancel();
    expect(fake.sent.map((m) => m.type)).toEqual(['job', 'cancel']);
    const started = Date.now();
    expect(await job.ended).toEqual({ type: 'cancelled', killed: 'grace' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });
});
