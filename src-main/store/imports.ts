// The import history of a workspace: every import's report (when, file, format, counts, blank lines) and its rejected
// records, so they outlive the Import dialog and reach the window from `pivot data import` too.
import type Database from 'better-sqlite3';
import type { ImportHistoryEntry, ImportReport, RejectedRecord } from '../../src-shared/domain/import-report';
import { PivotError } from '../../src-shared/errors';

/** What an import leaves to record: where its pairs went, the file it read, and its report. */
export interface FinishedImport {
  dataset: string;
  file: string;
  report: ImportReport;
}

const SELECT_IMPORTS = `SELECT id, at, dataset, file, format, imported, skipped, blank_lines AS blankLines, rejected FROM imports`;

export class ImportHistory {
  constructor(private readonly db: Database.Database) {}

  /** Keeps an import's report and its rejected records in one transaction. */
  record(finished: FinishedImport): ImportHistoryEntry {
    const { report } = finished;
    const insertRejection = this.db.prepare(
      'INSERT INTO import_rejections (import_id, line, record_index, record_id, reason) VALUES (?, ?, ?, ?, ?)',
    );
    return this.db.transaction(() => {
      const id = Number(
        this.db
          .prepare(
            `INSERT INTO imports (at, dataset, file, format, imported, skipped, blank_lines, rejected)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(new Date().toISOString(), finished.dataset, finished.file, report.format, report.imported, report.skipped, report.blankLines, report.rejected.length)
          .lastInsertRowid,
      );
      for (const r of report.rejected) insertRejection.run(id, r.line ?? null, r.index ?? null, r.id ?? null, r.reason);
      return this.db.prepare(`${SELECT_IMPORTS} WHERE id = ?`).get(id) as ImportHistoryEntry;
    }).immediate();
  }

  /** The imports of one dataset (or of every dataset), newest first. */
  list(dataset?: string): ImportHistoryEntry[] {
    if (dataset === undefined) return this.db.prepare(`${SELECT_IMPORTS} ORDER BY id DESC`).all() as ImportHistoryEntry[];
    return this.db.prepare(`${SELECT_IMPORTS} WHERE dataset = ? ORDER BY id DESC`).all(dataset) as ImportHistoryEntry[];
  }

  /** The records one import rejected, in file order, as its report gave them. */
  rejections(importId: number): RejectedRecord[] {
    if (this.db.prepare('SELECT 1 FROM imports WHERE id = ?').get(importId) === undefined) {
      throw new PivotError('NOT_FOUND', `No import with id ${importId} in this workspace.`, { id: importId });
    }
    const rows = this.db
      .prepare('SELECT line, record_index AS idx, record_id AS recordId, reason FROM import_rejections WHERE import_id = ? ORDER BY id')
      .all(importId) as { line: number | null; idx: number | null; recordId: string | null; reason: string }[];
    return rows.map((r) => ({
      ...(r.line !== null ? { line: r.line } : {}),
      ...(r.idx !== null ? { index: r.idx } : {}),
      ...(r.recordId !== null ? { id: r.recordId } : {}),
      reason: r.reason,
    }));
  }
}
