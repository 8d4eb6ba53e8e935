// Migration 2 (runs, run_metrics, run_logs) on a workspace made by the first migration only: the pairs stay as they
// were, the runs tables appear, and the version moves to the latest (5: pairs' source lines and blind-review picks).
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../src-main/store/migrations';
import { Workspace, WORKSPACE_DB } from '../../../src-main/store/workspace';
import { tempDir } from '../../helpers/workspace';

describe('migration from schema 1 to 2', () => {
  it('adds the runs tables to a schema-1 workspace and keeps its pairs', () => {
    const dir = tempDir();
    const db = new Database(join(dir, WORKSPACE_DB));
    db.exec(MIGRATIONS[0]!);
    db.pragma('user_version = 1');
    db.prepare("INSERT INTO datasets (id, name, format, imported_at) VALUES (1, 'd', 'trl', '2025-01-01')").run();
    db.prepare("INSERT INTO images (hash, format, width, height, bytes) VALUES ('h', 'png', 1, 1, 1)").run();
    db.prepare(
      "INSERT INTO pairs (dataset_id, image, question, chosen, rejected, status, dedup_key, created_at, updated_at) VALUES (1, 'h', 'q?', 'c', 'r', 'accepted', 'k', '2025-01-01', '2025-01-01')",
    ).run();
    db.close();

    const ws = Workspace.open(dir);
    expect(SCHEMA_VERSION).toBe(5);
    expect(ws.schemaVersion).toBe(5);
    expect(ws.pairs.count()).toBe(1);
    expect(ws.pairs.get(1)).toMatchObject({ question: 'q?', status: 'accepted' });
    const tables = (ws.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['runs', 'run_metrics', 'run_logs']));
    const historyColumns = (ws.db.prepare('PRAGMA table_info(pair_history)').all() as Array<{ name: string }>).map((c) => c.name);
    expect(historyColumns).toContain('batch');
    const run = ws.runs.create({ recipe: 'shapes', objective: 'dpo', backend: null, data: null, ownerPid: 1 });
    expect(ws.runs.get(run.id).status).toBe('queued');
    // The status list is enforced by the schema too.
    expect(() => ws.db.prepare("UPDATE runs SET status = 'exploded' WHERE id = ?").run(run.id)).toThrow(/CHECK constraint/);
    ws.close();
  });
});
