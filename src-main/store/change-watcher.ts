// Notices commits that other processes (a `pivot data import`, a `pivot train`) make to the workspace database, by
// polling SQLite's `PRAGMA data_version`: it changes for a connection only when another connection has committed.
import type Database from 'better-sqlite3';

/** How often the database is asked by default: the window is at most about a second behind. */
export const CHANGE_POLL_MS = 1000;

/** Calls `onChange` after each poll that finds commits made by other connections; returns the function that stops it. */
export function watchOtherConnections(db: Database.Database, onChange: () => void, intervalMs = CHANGE_POLL_MS): () => void {
  const version = (): number => db.pragma('data_version', { simple: true }) as number;
  let last = version();
  const timer = setInterval(() => {
    // A closed database (the workspace switched under a late tick) has nothing more to say.
    if (!db.open) return;
    const now = version();
    if (now === last) return;
    // A failed refresh (the database busy past its timeout) must not end the process from a timer: it is retried
    // at the next poll, as the version is only taken as seen once the refresh went through.
    try {
      onChange();
      last = now;
    } catch {
      return;
    }
  }, intervalMs);
  // The watcher alone must not keep a process (a CLI command, a test) alive.
  timer.unref();
  return () => clearInterval(timer);
}
