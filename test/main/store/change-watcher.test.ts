// The data_version watcher: a refresh that throws (the database busy) neither escapes the timer nor is lost — the
// next poll calls it again for the same commit.
import { describe, expect, it } from 'vitest';
import { watchOtherConnections } from '../../../src-main/store/change-watcher';
import { Workspace } from '../../../src-main/store/workspace';
import { workspaceWithPairs } from '../../helpers/workspace';

describe('watchOtherConnections', () => {
  it('retries a refresh that threw at the next poll', async () => {
    const window = await workspaceWithPairs([{ question: 'Q?', chosen: 'A.', rejected: 'B.' }]);
    const other = Workspace.open(window.dir);
    let calls = 0;
    const stop = watchOtherConnections(
      window.db,
      () => {
        calls++;
        if (calls === 1) throw new Error('database is locked');
      },
      20,
    );
    other.pairs.update(1, { status: 'accepted' });
    await new Promise((r) => setTimeout(r, 200));
    stop();
    expect(calls).toBe(2);
    other.close();
    window.close();
  });
});
