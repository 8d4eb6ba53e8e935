// The preference pairs of a workspace: queries, edits with an undo history, bulk actions and inserts.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import {
  PAIR_STATUSES,
  pairQuerySchema,
  type BulkAction,
  type BulkTarget,
  type PairEdit,
  type PairFilter,
  type PairPage,
  type PairQuery,
  type PairStatus,
  type PreferencePair,
  type Split,
  type StatusCounts,
} from '../../src-shared/domain/pairs';
import type { DatasetSummary, PairHistoryEntry } from '../../src-shared/ipc/contract';
import { PivotError } from '../../src-shared/errors';
import { filterToSql, sortToSql } from './pair-filter-sql';

/** A pair ready to be stored; its image is already in the workspace's image files. */
export interface NewPair {
  image: { hash: string; format: string; width: number; height: number; bytes: number };
  question: string;
  chosen: string;
  rejected: string;
  origin: Record<string, string | number | boolean | null>;
  split?: Split;
  /** Its place in the source file: line (JSONL) or index (JSON array). */
  location?: { line?: number; index?: number };
}

/** The dataset an import files its pairs under: created with its first new pair, so an import adding none files none. */
export interface NewDataset {
  name: string;
  format: string;
  sourcePath: string | null;
}

interface PairRow {
  id: number;
  image: string;
  width: number;
  height: number;
  question: string;
  chosen: string;
  rejected: string;
  status: PairStatus;
  tags: string;
  note: string;
  split: Split;
  origin: string;
  dataset: string;
  format: string;
  source_path: string | null;
  source_line: number | null;
  source_index: number | null;
  created_at: string;
  updated_at: string;
}

const SELECT_PAIRS = `
  SELECT p.id, p.image, i.width, i.height, p.question, p.chosen, p.rejected, p.status, p.tags, p.note, p.split,
         p.origin, d.name AS dataset, d.format, d.source_path, p.source_line, p.source_index, p.created_at, p.updated_at
  FROM pairs p JOIN images i ON i.hash = p.image JOIN datasets d ON d.id = p.dataset_id`;

/** Bulk actions run in chunks so progress can be reported and the database is never locked for long. */
export const BULK_CHUNK = 2000;

const EDITABLE = ['question', 'chosen', 'rejected', 'status', 'tags', 'note', 'split'] as const;
type Editable = (typeof EDITABLE)[number];

export class PairStore {
  constructor(private readonly db: Database.Database) {}

  /** Returns the id of the dataset called `name`, creating it on first use. */
  ensureDataset(name: string, format: string, sourcePath: string | null): number {
    // Insert-or-keep, then read: another process may file the same name at the same moment.
    this.db
      .prepare('INSERT INTO datasets (name, format, source_path, imported_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING')
      .run(name, format, sourcePath, now());
    return (this.db.prepare('SELECT id FROM datasets WHERE name = ?').get(name) as { id: number }).id;
  }

  /** Inserts pairs in one transaction; a pair already imported before (same content) is skipped. */
  insertMany(datasetId: number, pairs: readonly NewPair[]): { inserted: number; duplicates: number } {
    const putImage = this.db.prepare(
      'INSERT OR IGNORE INTO images (hash, format, width, height, bytes) VALUES (?, ?, ?, ?, ?)',
    );
    const insert = this.db.prepare(`
      INSERT OR IGNORE INTO pairs (dataset_id, image, question, chosen, rejected, split, origin, source_line, source_index,
                                   dedup_key, created_at, updated_at)
      VALUES (@dataset, @image, @question, @chosen, @rejected, @split, @origin, @line, @index, @key, @now, @now)`);
    return this.db.transaction(() => {
      let inserted = 0;
      const at = now();
      for (const p of pairs) {
        putImage.run(p.image.hash, p.image.format, p.image.width, p.image.height, p.image.bytes);
        const changes = insert.run({
          dataset: datasetId,
          image: p.image.hash,
          question: p.question,
          chosen: p.chosen,
          rejected: p.rejected,
          split: p.split ?? 'train',
          origin: JSON.stringify(p.origin),
          line: p.location?.line ?? null,
          index: p.location?.index ?? null,
          key: dedupKey(p),
          now: at,
        }).changes;
        inserted += changes;
      }
      return { inserted, duplicates: pairs.length - inserted };
    })();
  }

  /**
   * Inserts pairs under `dataset`, filing it first only when at least one pair is new: an import whose records are
   * all present already leaves no empty dataset behind. One write transaction, so no other process slips in between.
   */
  importMany(dataset: NewDataset, pairs: readonly NewPair[]): { inserted: number; duplicates: number } {
    const present = this.db.prepare('SELECT 1 FROM pairs WHERE dedup_key = ?').pluck();
    return this.db.transaction(() => {
      if (pairs.every((p) => present.get(dedupKey(p)) !== undefined)) return { inserted: 0, duplicates: pairs.length };
      return this.insertMany(this.ensureDataset(dataset.name, dataset.format, dataset.sourcePath), pairs);
    }).immediate();
  }

  list(query: PairQuery): PairPage {
    const q = pairQuerySchema.parse(query);
    const { where, params } = filterToSql(q.filter);
    const items = (
      this.db
        .prepare(`${SELECT_PAIRS} WHERE ${where} ORDER BY ${sortToSql(q.sort, q.descending)} LIMIT @limit OFFSET @offset`)
        .all({ ...params, limit: q.limit, offset: q.offset }) as PairRow[]
    ).map(toPair);
    const total = (this.db.prepare(`SELECT count(*) AS n FROM pairs p WHERE ${where}`).get(params) as { n: number }).n;
    return { items, total, offset: q.offset };
  }

  /** Counts per status for a filter, ignoring its status part, so the counters show what each chip would give. */
  counts(filter: PairFilter): StatusCounts {
    const { where, params } = filterToSql(filter, { ignoreStatus: true });
    const rows = this.db
      .prepare(`SELECT p.status, count(*) AS n FROM pairs p WHERE ${where} GROUP BY p.status`)
      .all(params) as { status: PairStatus; n: number }[];
    const counts = { total: 0 } as StatusCounts;
    for (const s of PAIR_STATUSES) counts[s] = 0;
    for (const r of rows) {
      counts[r.status] = r.n;
      counts.total += r.n;
    }
    return counts;
  }

  get(id: number): PreferencePair {
    const row = this.db.prepare(`${SELECT_PAIRS} WHERE p.id = ?`).get(id) as PairRow | undefined;
    if (!row) throw new PivotError('NOT_FOUND', `No pair with id ${id} in this workspace.`, { id });
    return toPair(row);
  }

  /** Applies an edit and records the previous values, so `undo` can restore them. */
  update(id: number, edit: PairEdit, action = 'edit'): PreferencePair {
    return this.db.transaction(() => {
      const before = this.get(id);
      const fields = EDITABLE.filter((f) => edit[f] !== undefined && !sameValue(edit[f], before[f]));
      if (fields.length === 0) return before;
      this.recordHistory(id, action, pick(before, fields));
      this.writeFields(id, Object.fromEntries(fields.map((f) => [f, edit[f]])) as PairEdit);
      return this.get(id);
    })();
  }

  /** Swaps chosen and rejected (the pair's preference was the wrong way round). */
  swap(id: number): PreferencePair {
    const pair = this.get(id);
    return this.update(id, { chosen: pair.rejected, rejected: pair.chosen }, 'swap');
  }

  /** Restores the values before the most recent edit of a pair. */
  undo(id: number): PreferencePair {
    return this.db.transaction(() => {
      this.get(id);
      const last = this.db
        .prepare('SELECT id, before FROM pair_history WHERE pair_id = ? ORDER BY id DESC LIMIT 1')
        .get(id) as { id: number; before: string } | undefined;
      if (!last) throw new PivotError('NOTHING_TO_UNDO', `Pair ${id} has no edit to undo.`, { id });
      this.writeFields(id, JSON.parse(last.before) as PairEdit);
      this.db.prepare('DELETE FROM pair_history WHERE id = ?').run(last.id);
      return this.get(id);
    })();
  }

  /**
   * Undoes a whole bulk action: every pair whose latest edit is still that bulk's gets its previous value back (a pair
   * edited since keeps the later edit). Returns how many pairs were restored.
   */
  undoBulk(batch: string): number {
    return this.db.transaction(() => {
      const rows = this.db
        .prepare(
          `SELECT h.id, h.pair_id AS pairId, h.before FROM pair_history h
           WHERE h.batch = ? AND h.id = (SELECT max(id) FROM pair_history WHERE pair_id = h.pair_id)`,
        )
        .all(batch) as { id: number; pairId: number; before: string }[];
      if (rows.length === 0) {
        throw new PivotError('NOTHING_TO_UNDO', `The bulk action ${batch} has no change left to undo.`, { batch });
      }
      const forget = this.db.prepare('DELETE FROM pair_history WHERE id = ?');
      for (const row of rows) {
        this.writeFields(row.pairId, JSON.parse(row.before) as PairEdit);
        forget.run(row.id);
      }
      return rows.length;
    })();
  }

  history(id: number): PairHistoryEntry[] {
    this.get(id);
    return (
      this.db
        .prepare('SELECT at, action, before FROM pair_history WHERE pair_id = ? ORDER BY id DESC')
        .all(id) as { at: string; action: string; before: string }[]
    ).map((r) => ({ at: r.at, action: r.action, before: JSON.parse(r.before) as PairHistoryEntry['before'] }));
  }

  /**
   * Runs a bulk action over ids or a whole filtered query, one transaction per chunk, recording each changed pair's
   * previous value so it can be undone. Set-based SQL: 100,000 pairs must not take a per-pair round trip. Yields to
   * the event loop between chunks so progress events reach the window while it runs. Returns the number of pairs it
   * changed: ids of missing pairs, and pairs already as asked, do not count. `batch` (the job id) marks its history
   * rows, so `undoBulk(batch)` can undo the whole action at once.
   */
  async bulk(
    target: BulkTarget,
    action: BulkAction,
    onProgress?: (done: number, total: number) => void,
    batch: string | null = null,
  ): Promise<number> {
    const ids = 'ids' in target ? [...new Set(target.ids)] : this.ids(target.filter);
    const statements = this.bulkStatements(action);
    let done = 0;
    let changed = 0;
    for (let start = 0; start < ids.length; start += BULK_CHUNK) {
      const chunk = JSON.stringify(ids.slice(start, start + BULK_CHUNK));
      let changes = 0;
      this.db.transaction(() => {
        // The last statement is the change itself (the ones before it record history): its row count is what changed.
        for (const stmt of statements) changes = stmt.run({ ids: chunk, now: now(), batch, ...bulkParams(action) }).changes;
      })();
      changed += changes;
      done = Math.min(ids.length, start + BULK_CHUNK);
      onProgress?.(done, ids.length);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return changed;
  }

  /** Ids of every pair the filter matches, in id order. */
  ids(filter: PairFilter): number[] {
    const { where, params } = filterToSql(filter);
    return this.db.prepare(`SELECT p.id FROM pairs p WHERE ${where} ORDER BY p.id`).pluck().all(params) as number[];
  }

  /** Streams every pair the filter matches, in id order, without holding them all in memory. */
  *iterate(filter: PairFilter): Generator<PreferencePair & { imageFormat: string }> {
    const { where, params } = filterToSql(filter);
    const stmt = this.db.prepare(
      `${SELECT_PAIRS.replace('i.height,', 'i.height, i.format AS image_format,')} WHERE ${where} ORDER BY p.id`,
    );
    for (const row of stmt.iterate(params) as IterableIterator<PairRow & { image_format: string }>) {
      yield { ...toPair(row), imageFormat: row.image_format };
    }
  }

  imageFormat(hash: string): string | undefined {
    return this.db.prepare('SELECT format FROM images WHERE hash = ?').pluck().get(hash) as string | undefined;
  }

  datasets(): DatasetSummary[] {
    return this.db
      .prepare(
        `SELECT d.name, d.format, d.imported_at AS importedAt, count(p.id) AS pairs
         FROM datasets d LEFT JOIN pairs p ON p.dataset_id = d.id GROUP BY d.id ORDER BY d.name`,
      )
      .all() as DatasetSummary[];
  }

  tags(): string[] {
    return this.db
      .prepare('SELECT DISTINCT json_each.value FROM pairs, json_each(pairs.tags) ORDER BY 1')
      .pluck()
      .all() as string[];
  }

  count(): number {
    return this.db.prepare('SELECT count(*) FROM pairs').pluck().get() as number;
  }

  /**
   * A summary that differs whenever pairs or datasets were added, edited or deleted (their number, the latest edit,
   * the latest history entry, the datasets): the run log and metrics a training writes leave it unchanged.
   */
  changeMark(): string {
    return this.db
      .prepare(
        `SELECT json_array((SELECT count(*) FROM pairs), (SELECT max(updated_at) FROM pairs),
                (SELECT max(id) FROM pair_history), (SELECT group_concat(id || ':' || name) FROM datasets))`,
      )
      .pluck()
      .get() as string;
  }

  /** The statements of a bulk action: first the history of the pairs it will change, then the change itself. */
  private bulkStatements(action: BulkAction): Database.Statement[] {
    const inChunk = 'id IN (SELECT value FROM json_each(@ids))';
    if (action.kind === 'delete') return [this.db.prepare(`DELETE FROM pairs WHERE ${inChunk}`)];
    const hasTag = 'EXISTS (SELECT 1 FROM json_each(tags) WHERE value = @tag)';
    const change = {
      status: { changes: 'status != @status', before: "json_object('status', status)", set: 'status = @status' },
      split: { changes: 'split != @split', before: "json_object('split', split)", set: 'split = @split' },
      'add-tag': { changes: `NOT ${hasTag}`, before: "json_object('tags', json(tags))", set: "tags = json_insert(tags, '$[#]', @tag)" },
      'remove-tag': {
        changes: hasTag,
        before: "json_object('tags', json(tags))",
        set: 'tags = (SELECT json_group_array(value) FROM json_each(tags) WHERE value != @tag)',
      },
    }[action.kind];
    return [
      this.db.prepare(
        `INSERT INTO pair_history (pair_id, at, action, before, batch)
         SELECT id, @now, 'bulk-${action.kind}', ${change.before}, @batch FROM pairs WHERE ${inChunk} AND ${change.changes}`,
      ),
      this.db.prepare(`UPDATE pairs SET ${change.set}, updated_at = @now WHERE ${inChunk} AND ${change.changes}`),
    ];
  }

  private recordHistory(id: number, action: string, before: Partial<PreferencePair>): void {
    this.db
      .prepare('INSERT INTO pair_history (pair_id, at, action, before) VALUES (?, ?, ?, ?)')
      .run(id, now(), action, JSON.stringify(before));
  }

  private writeFields(id: number, edit: PairEdit): void {
    const fields = EDITABLE.filter((f) => edit[f] !== undefined);
    const values: Record<string, unknown> = { id, now: now() };
    for (const f of fields) values[f] = f === 'tags' ? JSON.stringify(edit.tags) : edit[f];
    const sets = fields.map((f) => `${f} = @${f}`).join(', ');
    this.db.prepare(`UPDATE pairs SET ${sets}, updated_at = @now WHERE id = @id`).run(values);
  }
}

function bulkParams(action: BulkAction): Record<string, string> {
  switch (action.kind) {
    case 'status':
      return { status: action.status };
    case 'split':
      return { split: action.split };
    case 'add-tag':
    case 'remove-tag':
      return { tag: action.tag };
    case 'delete':
      return {};
  }
}

function toPair(row: PairRow): PreferencePair {
  return {
    id: row.id,
    image: row.image,
    imageWidth: row.width,
    imageHeight: row.height,
    question: row.question,
    chosen: row.chosen,
    rejected: row.rejected,
    status: row.status,
    tags: JSON.parse(row.tags) as string[],
    note: row.note,
    split: row.split,
    source: {
      dataset: row.dataset,
      format: row.format,
      file: row.source_path,
      ...(row.source_line !== null ? { line: row.source_line } : {}),
      ...(row.source_index !== null ? { index: row.source_index } : {}),
      origin: JSON.parse(row.origin) as PreferencePair['source']['origin'],
    },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function dedupKey(p: NewPair): string {
  return createHash('sha256').update([p.image.hash, p.question, p.chosen, p.rejected].join('\u0000')).digest('hex');
}

function pick(pair: PreferencePair, fields: readonly Editable[]): Partial<PreferencePair> {
  return Object.fromEntries(fields.map((f) => [f, pair[f]]));
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function now(): string {
  return new Date().toISOString();
}
