// The records a stage trains on: its kind's records, the test split held out (unless the recipe includes it), then
// the stage's subset of the dataset's images; none at all is an error that says what the stage needed.
import { PivotError } from '../../../src-shared/errors';
import type { DatasetRecords, ImageRecord } from '../data/batches';
import { objectiveOf } from './index';
import type { StageKind } from './kinds';

/** What of a stage decides its records. */
export interface StageSelection {
  name: string;
  kind: StageKind;
  /** The part of the dataset's images it uses, as fractions in file order. */
  subset: { from: number; to: number };
}

/** A stage's records: the test split held out (unless the recipe includes it), then the stage's subset of images. */
export function stageRecords(stage: StageSelection, dataset: DatasetRecords, includeTestSplit: boolean): ImageRecord[] {
  const objective = objectiveOf(stage.kind);
  const usable = (r: ImageRecord) => includeTestSplit || r.split !== 'test';
  const images = [...new Set([...dataset.pairs, ...dataset.captions].filter(usable).map((r) => r.image))];
  const from = Math.floor(stage.subset.from * images.length);
  const to = Math.floor(stage.subset.to * images.length);
  const chosen = new Set(images.slice(from, to));
  const records = objective.records(dataset, stage.name).filter((r) => usable(r) && chosen.has(r.image));
  if (records.length === 0) {
    const hint = objective.missingRecordsHint?.(dataset) ?? ' Widen its subset or add data.';
    throw new PivotError(
      'INVALID_DATA',
      `Stage "${stage.name}" has no ${objective.recordsName} to train on in ${dataset.folder} (subset ${stage.subset.from}–${stage.subset.to}, ` +
        `test split ${includeTestSplit ? 'included' : 'held out'}).${hint}`,
      { folder: dataset.folder },
    );
  }
  return records;
}
