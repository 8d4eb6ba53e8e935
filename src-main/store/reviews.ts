// Blind review: a reviewer, shown a pair's answers without their labels, picks the one they prefer. Each pick is kept;
// a pair's latest pick counts, and it agrees with the pair's label when it is the chosen answer.
import type Database from 'better-sqlite3';
import type { PairFilter, ReviewAgreement, ReviewPick } from '../../src-shared/domain/pairs';
import { PivotError } from '../../src-shared/errors';
import { filterToSql } from './pair-filter-sql';

export class ReviewStore {
  constructor(private readonly db: Database.Database) {}

  /** Records a reviewer's pick for a pair; NOT_FOUND when the pair is not in the workspace. */
  record(pairId: number, pick: ReviewPick): void {
    if (this.db.prepare('SELECT 1 FROM pairs WHERE id = ?').get(pairId) === undefined) {
      throw new PivotError('NOT_FOUND', `No pair with id ${pairId} in this workspace.`, { id: pairId });
    }
    this.db.prepare('INSERT INTO pair_reviews (pair_id, at, pick) VALUES (?, ?, ?)').run(pairId, new Date().toISOString(), pick);
  }

  /** Agreement over the reviewed pairs the filter matches, each counted once by its latest pick. */
  agreement(filter: PairFilter = {}): ReviewAgreement {
    const { where, params } = filterToSql(filter);
    const row = this.db
      .prepare(
        `SELECT count(*) AS reviewed, coalesce(sum(r.pick = 'chosen'), 0) AS agreed
         FROM pair_reviews r JOIN pairs p ON p.id = r.pair_id
         WHERE r.id = (SELECT max(id) FROM pair_reviews WHERE pair_id = r.pair_id) AND ${where}`,
      )
      .get(params) as ReviewAgreement;
    return { reviewed: row.reviewed, agreed: row.agreed };
  }
}
