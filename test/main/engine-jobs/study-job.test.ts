// The `study` job through main's engine-job client: a real forked host runs runStudy on shapes-quick and streams its
// phases and training events; cancelling kills the host mid-training and says so.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StudyProgress } from '../../../src-main/engine/study/run-study';
import { forkEngineHost } from '../../../src-main/engine-jobs/fork';
import type { StudyJobOptions } from '../../../src-main/engine/jobs/study';
import { startEngineJob } from '../../../src-main/engine-jobs/engine-job';
import { tempDir } from '../../helpers/workspace';

/** The study on a forked host. */
function studyInHost(options: StudyJobOptions, onProgress: (p: StudyProgress) => void) {
  return startEngineJob(() => forkEngineHost(), 'study', options, { onProgress, during: 'before the study finished' });
}

describe('the study job', () => {
  it('runs shapes-quick in a forked host: phases in order, both branches trained, the report written', async () => {
    const out = join(tempDir('pivot-study-host-'), 'report');
    const progress: StudyProgress[] = [];
    const study = studyInHost({ out, recipe: 'shapes-quick', quick: true, seeds: 1, backend: 'wasm' }, (p) => progress.push(p));
    const end = await study.ended;
    expect(end).toMatchObject({ type: 'done', result: { out } });
    expect((end as { result: { totalMs: number } }).result.totalMs).toBeGreaterThan(0);

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
    const study = studyInHost({ out, recipe: 'shapes-quick', quick: true, seeds: 1, backend: 'wasm' }, (p) => {
      progress.push(p);
      if (p.type === 'train' && p.event.type === 'metrics') study.cancel();
    });
    expect(await study.ended).toEqual({ type: 'cancelled', killed: 'request' });
    expect(progress.filter((p) => p.type === 'train' && p.event.type === 'metrics')).toHaveLength(1);
    expect(existsSync(join(out, 'report.json'))).toBe(false);
  }, 60_000);
});
