// Opens (or creates) a workspace folder: `workspace.sqlite` in WAL mode with schema migrations, and the
// content-addressed image files beside it. A workspace written by a newer app is refused, never touched. Several
// processes may open one workspace at once (the app, pivot serve, pivot commands): they wait for each other's writes.
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { PivotError } from '../../src-shared/errors';
import { ImageFiles } from './images';
import { ImportHistory } from './imports';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations';
import { PairStore } from './pairs';
import { ReviewStore } from './reviews';
import { RunStore } from './runs';

export const WORKSPACE_DB = 'workspace.sqlite';
/** How long a write waits for another process's to finish before giving up with "database is locked". */
const BUSY_TIMEOUT_MS = 10_000;

export class Workspace {
  readonly images: ImageFiles;
  readonly imports: ImportHistory;
  readonly pairs: PairStore;
  readonly reviews: ReviewStore;
  readonly runs: RunStore;

  private constructor(
    readonly dir: string,
    readonly db: Database.Database,
  ) {
    this.images = new ImageFiles(dir);
    this.imports = new ImportHistory(db);
    this.pairs = new PairStore(db);
    this.reviews = new ReviewStore(db);
    this.runs = new RunStore(db, dir);
  }

  /** Opens the workspace in `dir`, creating the folder and database on first use. */
  static open(dir: string): Workspace {
    const absolute = resolve(dir);
    mkdirSync(absolute, { recursive: true });
    const file = join(absolute, WORKSPACE_DB);
    const isNew = !existsSync(file);
    let db: Database.Database;
    try {
      db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
    } catch (err) {
      throw new PivotError('WORKSPACE_UNAVAILABLE', `Cannot open ${file}: ${(err as Error).message}`);
    }
    // Check the version before anything writes to the file (even switching to WAL would).
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      db.close();
      throw new PivotError(
        'WORKSPACE_TOO_NEW',
        `The workspace ${absolute} was written by a newer PIVOT Studio (schema ${version}; this app knows up to ` +
          `${SCHEMA_VERSION}). Update PIVOT Studio to open it; the workspace was not changed.`,
        { path: absolute, schemaVersion: version, supported: SCHEMA_VERSION },
      );
    }
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db);
    if (isNew) mkdirSync(join(absolute, 'images'), { recursive: true });
    return new Workspace(absolute, db);
  }

  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  close(): void {
    this.db.close();
  }
}

/**
 * Brings the schema up to date in one immediate transaction (the write lock taken first), reading the version inside
 * it: of processes opening a new workspace together, the first migrates and the others find it done.
 */
function migrate(db: Database.Database): void {
  db.transaction(() => {
    const from = db.pragma('user_version', { simple: true }) as number;
    for (let v = from; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]!);
    if (from < MIGRATIONS.length) db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}
