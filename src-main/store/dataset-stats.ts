// One dataset's statistics (status mix, length-bias histogram, blind-review agreement) from the workspace's tables.
import type Database from 'better-sqlite3';
import { lengthBiasBins, type DatasetStats } from '../../src-shared/domain/dataset-stats';
import { PivotError } from '../../src-shared/errors';
import type { PairStore } from './pairs';
import type { ReviewStore } from './reviews';

export function datasetStats(db: Database.Database, pairs: PairStore, reviews: ReviewStore, dataset: string): DatasetStats {
  if (db.prepare('SELECT 1 FROM datasets WHERE name = ?').get(dataset) === undefined) {
    throw new PivotError('NOT_FOUND', `No dataset named "${dataset}" in this workspace.`, { dataset });
  }
  const diffs = db
    .prepare('SELECT length_diff FROM pairs WHERE dataset_id = (SELECT id FROM datasets WHERE name = ?)')
    .pluck()
    .all(dataset) as number[];
  return {
    dataset,
    counts: pairs.counts({ dataset }),
    lengthBias: {
      bins: lengthBiasBins(diffs),
      chosenLonger: diffs.filter((d) => d > 0).length,
      chosenShorter: diffs.filter((d) => d < 0).length,
      sameLength: diffs.filter((d) => d === 0).length,
    },
    reviews: reviews.agreement({ dataset }),
  };
}
