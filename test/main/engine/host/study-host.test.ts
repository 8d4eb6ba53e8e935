// The study as an engine host job: a real forked host runs runStudy on shapes-quick and streams its phases and
// training events; cancelling kills the host mid-training and says so; a host that dies is reported with its output.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StudyProgress } from '../../../../src-main/engine/study/run-study';
import { forkEngineHost } from '../../../../src-main/engine/host/fork';
import { studyInHost } from '../../../../src-main/engine/host/study-in-host';
import { dyingHost } from '../../../helpers/training';
import { tempDir } from '../../../helpers/workspace';

describe('the study job on an engine host', () => {
  it('runs shapes-quick in a forked host: phases in order, both branches trained, the report written', async () => {
    const out = join(tempDir('pivot-study-host-'), 'report');
    const progress: StudyProgress[] = [];
    const study = studyInHost(() => forkEngineHost(), { out, recipe: 'shapes-quick', quick: true, seeds: 1, backend: 'wasm' }, (p) => progress.push(p));
    const outcome = await study.finished;
    expect(outcome).toMatchObject({ status: 'completed', out });
    expect((outcome as { totalMs: number }).totalMs).toBeGreaterThan(0);

    const phases = progress.filter((p) => p.type === 'phase').map((p) => p.phase);
    expect(phases).toEqual(['train', 'train', 'measure', 'measure', 'measure', 'gradcam', 'qa']);
    const stages = (objective: string) =>
      progress.flatMap((p) => (p.type === 'train' && p.objective === objective && p.event.type === 'stage' ? [p.event.stage] : []));
    expect(stages('sft')).toEqual(['align', 'instruct', 'sft']);
    expect(stages('dpo')).toContain('dpo');
    const lastSftStep = progress.filter((p) => p.type === 'train' && p.objective === 'sft' && p.event.type === 'metrics').at(-1);
    expect(lastSftStep).toMatchObject({ event: { stage: 'sft', step: 8, totalSteps: 8 } });

    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { recipe: { name: string }; seeds: number[]; backend: string; out: string };
    expect(report).toMatchObject({ recipe: { name: 'shapes-quick' }, seeds: [0], backend: 'wasm', out });
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    expect(existsSync(join(out, 'examples', 'examples.json'))).toBe(true);
  }, 120_000);

  it('cancels by killing the host mid-training: resolves cancelled, reports nothing after', async () => {
    const out = join(tempDir('pivot-study-host-'), 'report');
    const progress: StudyProgress[] = [];
    const study = studyInHost(() => forkEngineHost(), { out, recipe: 'shapes-quick', quick: true, seeds: 1, backend: 'wasm' }, (p) => {
      progress.push(p);
      if (p.type === 'train' && p.event.type === 'metrics') study.cancel();
    });
    expect(await study.finished).toEqual({ status: 'cancelled' });
    expect(progress.filter((p) => p.type === 'train' && p.event.type === 'metrics')).toHaveLength(1);
    expect(existsSync(join(out, 'report.json'))).toBe(false);
  }, 60_000);

  it('says how a host that died without reporting ended, with its last output', async () => {
    const { host: dying, sent } = dyingHost();
    await expect(studyInHost(() => dying, { out: '/nowhere', recipe: 'shapes-quick', seeds: 1 }).finished).rejects.toMatchObject({
      code: 'INTERNAL',
      message: 'The engine host ended (signal SIGKILL) before the study finished; no report was written.\nFATAL ERROR: Reached heap limit',
    });
    expect(sent).toEqual([{ type: 'study', options: { out: '/nowhere', recipe: 'shapes-quick', seeds: 1 } }]);
  });
});
