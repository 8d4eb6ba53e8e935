import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../../src-main/store/migrations';
import { Workspace, WORKSPACE_DB } from '../../../src-main/store/workspace';
import { PivotError } from '../../../src-shared/errors';
import { tempDir } from '../../helpers/workspace';

describe('Workspace.open', () => {
  it('creates the database in WAL mode at the current schema version on first use', () => {
    const dir = join(tempDir(), 'new-workspace');
    const ws = Workspace.open(dir);
    expect(ws.schemaVersion).toBe(SCHEMA_VERSION);
    expect(ws.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(ws.pairs.count()).toBe(0);
    ws.close();
    const again = Workspace.open(dir);
    expect(again.schemaVersion).toBe(SCHEMA_VERSION);
    again.close();
  });

  it('refuses a workspace written by a newer app and leaves its file byte-identical', () => {
    const dir = tempDir();
    const file = join(dir, WORKSPACE_DB);
    const db = new Database(file);
    db.exec('CREATE TABLE future (x)');
    db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    db.close();
    const before = createHash('sha256').update(readFileSync(file)).digest('hex');

    let error: unknown;
    try {
      Workspace.open(dir);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PivotError);
    expect((error as PivotError).code).toBe('WORKSPACE_TOO_NEW');
    expect((error as PivotError).message).toContain(`schema ${SCHEMA_VERSION + 5}`);
    expect((error as PivotError).message).toContain('Update PIVOT Studio');
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(before);
  });
});
