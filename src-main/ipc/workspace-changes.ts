// Keeps a window in step with what other processes write to its workspace (`pivot data import`, `pivot train`
// beside the app or `pivot serve`): pair changes are announced as `pairs:changed`, run changes as `run:status`.
import { watchOtherConnections } from '../store/change-watcher';
import type { EmitEvent } from '../runs/run-session';
import type { Workspace } from '../store/workspace';

/** Starts watching; returns the function that stops it (before the workspace closes). */
export function announceOtherProcessChanges(workspace: Workspace, emit: EmitEvent, intervalMs?: number): () => void {
  let pairsMark = workspace.pairs.changeMark();
  // Each run as last announced, to send only the runs that changed (a training commits its progress every step).
  const runsSeen = new Map(workspace.runs.list().map((run) => [run.id, JSON.stringify(run)]));
  return watchOtherConnections(
    workspace.db,
    () => {
      const mark = workspace.pairs.changeMark();
      if (mark !== pairsMark) {
        pairsMark = mark;
        emit('pairs:changed', { reason: 'another process' });
      }
      for (const run of workspace.runs.list()) {
        const seen = JSON.stringify(run);
        if (runsSeen.get(run.id) === seen) continue;
        runsSeen.set(run.id, seen);
        emit('run:status', { run });
      }
    },
    intervalMs,
  );
}
