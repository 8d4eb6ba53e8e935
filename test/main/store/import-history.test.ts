// The import history (migration 4): every import's report is kept in the workspace — when, which file, the format,
// the counts, the blank lines and each rejected record with its line and reason — listed per dataset, newest first.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../src-main/store/migrations';
import { Workspace, WORKSPACE_DB } from '../../../src-main/store/workspace';
import { tempDir } from '../../helpers/workspace';

describe('import history', () => {
  it('keeps each import with its counts and rejected records, listed per dataset, newest first', () => {
    const ws = Workspace.open(tempDir());
    const first = ws.imports.record({
      dataset: 'shapes/pairs.jsonl',
      file: '/data/shapes/pairs.jsonl',
      report: {
        format: 'trl',
        imported: 5,
        skipped: 0,
        blankLines: 2,
        rejected: [
          { line: 3, reason: 'chosen is empty' },
          { index: 7, id: 'rec-7', reason: 'image not found: a.png' },
        ],
      },
    });
    const second = ws.imports.record({
      dataset: 'shapes/pairs.jsonl',
      file: '/data/shapes/pairs.jsonl',
      report: { format: 'trl', imported: 0, skipped: 5, blankLines: 2, rejected: [] },
    });
    ws.imports.record({ dataset: 'other', file: '/x/other.json', report: { format: 'rlaif-v', imported: 1, skipped: 0, blankLines: 0, rejected: [] } });

    const listed = ws.imports.list('shapes/pairs.jsonl');
    expect(listed.map((i) => i.id)).toEqual([second.id, first.id]);
    expect(listed[1]).toEqual({
      id: first.id,
      at: first.at,
      dataset: 'shapes/pairs.jsonl',
      file: '/data/shapes/pairs.jsonl',
      format: 'trl',
      imported: 5,
      skipped: 0,
      blankLines: 2,
      rejected: 2,
    });
    expect(Date.parse(first.at)).not.toBeNaN();
    expect(ws.imports.list().map((i) => i.dataset)).toEqual(['other', 'shapes/pairs.jsonl', 'shapes/pairs.jsonl']);
    expect(ws.imports.rejections(first.id)).toEqual([
      { line: 3, reason: 'chosen is empty' },
      { index: 7, id: 'rec-7', reason: 'image not found: a.png' },
    ]);
    expect(ws.imports.rejections(second.id)).toEqual([]);
    expect(() => ws.imports.rejections(999)).toThrow(expect.objectContaining({ code: 'NOT_FOUND', message: 'No import with id 999 in this workspace.' }));
    ws.close();
  });

  it('adds the import tables to a schema-3 workspace and keeps its pairs', () => {
    const dir = tempDir();
    const db = new Database(join(dir, WORKSPACE_DB));
    for (const m of MIGRATIONS.slice(0, 3)) db.exec(m);
    db.pragma('user_version = 3');
    db.prepare("INSERT INTO datasets (id, name, format, imported_at) VALUES (1, 'd', 'trl', '2025-01-01')").run();
    db.prepare("INSERT INTO images (hash, format, width, height, bytes) VALUES ('h', 'png', 1, 1, 1)").run();
    db.prepare(
      "INSERT INTO pairs (dataset_id, image, question, chosen, rejected, dedup_key, created_at, updated_at) VALUES (1, 'h', 'q?', 'c', 'r', 'k', '2025-01-01', '2025-01-01')",
    ).run();
    db.close();

    const ws = Workspace.open(dir);
    expect(ws.schemaVersion).toBe(SCHEMA_VERSION);
    expect(ws.pairs.count()).toBe(1);
    expect(ws.imports.list()).toEqual([]);
    const entry = ws.imports.record({ dataset: 'd', file: '/d.jsonl', report: { format: 'trl', imported: 1, skipped: 0, blankLines: 0, rejected: [{ line: 1, reason: 'x' }] } });
    expect(ws.imports.rejections(entry.id)).toEqual([{ line: 1, reason: 'x' }]);
    ws.close();
  });
});
