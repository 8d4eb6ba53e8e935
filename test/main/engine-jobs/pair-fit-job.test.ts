// The `pair-fit` job on a real engine host, as `runs:check` and a run's start use it: the pairs cross the process
// boundary and the answer names the pair the toy model cannot train on.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jobAnswer, startEngineJob } from '../../../src-main/engine-jobs/engine-job';
import { forkEngineHost } from '../../../src-main/engine-jobs/fork';
import { removeTemp, smallWorld, tempFolder } from '../engine/train/helpers';

const dir = tempFolder('pair-fit-job');
afterAll(() => removeTemp(dir));

describe('the pair-fit job', () => {
  it('answers which pairs a run of the recipe can train on', async () => {
    const world = await smallWorld(join(dir, 'world'), 1);
    const image = join(world, 'images', '000001.png');
    const pair = { image, question: 'How many purple objects are there?', chosen: 'There are no purple objects.', rejected: 'There is 1 purple object.' };
    const options = { recipe: 'shapes-quick', objective: 'dpo' as const, pairs: [{ id: 5, ...pair }, { id: 6, ...pair, rejected: 'A zebra.' }] };
    const report = await jobAnswer(startEngineJob(() => forkEngineHost(), 'pair-fit', options, { during: 'while checking the pairs' }));
    expect(report.checked).toBe(2);
    expect(report.unfit).toEqual([{ id: 6, reason: 'unknown-words', message: expect.stringContaining('"A zebra."') }]);
  }, 60_000);
});
