// The image labels a `labels` stage pretrains the encoder on: which colour-shape classes each image shows, read
// from a Shapes world's metadata.jsonl (an object counts when some of its pixels are visible, so a class the mask
// holds is exactly a class the label holds).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { PivotError } from '../../../../src-shared/errors';
import { NUM_CLASSES } from './vocab';
import { datasetError, type RecordLocation } from '../batches/records';
import { parseJsonText } from '../../run-folder/json-file';

export const METADATA_FILE = 'metadata.jsonl';
/** The colour-shape classes (segmentation classes without the background): label k is segmentation class k + 1. */
export const LABEL_CLASS_COUNT = NUM_CLASSES - 1;

/** One image and the classes it shows. */
export interface LabelRecord extends RecordLocation {
  key: string;
  /** Absolute image path. */
  image: string;
  /** Label indices (0..LABEL_CLASS_COUNT − 1) of the visible objects, ascending, each once. */
  labels: number[];
  split?: 'train' | 'test';
}

/**
 * Every image of `folder`'s metadata.jsonl with its visible classes. A folder without the file (data that is not
 * a Shapes world) is an error naming the folder and the stage, since nothing else says which objects an image holds.
 */
export function readLabelRecords(folder: string, stage: string): LabelRecord[] {
  const root = resolve(folder);
  const path = join(root, METADATA_FILE);
  if (!existsSync(path)) {
    throw new PivotError(
      'FILE_UNREADABLE',
      `Stage "${stage}" (kind labels) needs to know which colour-shape classes each image shows, but ${root} has no ${METADATA_FILE} ` +
        `(a Shapes world writes one: pivot data shapes --out <dir>). Use a Shapes world, or remove the labels stage from the recipe.`,
    );
  }
  const problems: string[] = [];
  const records: LabelRecord[] = [];
  readFileSync(path, 'utf8').split('\n').forEach((raw, index) => {
    if (raw.trim() === '') return;
    try {
      records.push({ file: path, line: index + 1, ...labelRow(parseJsonText(raw, metadataRowSchema, `${path}:${index + 1}`), root) });
    } catch (err) {
      if (!(err instanceof PivotError)) throw err;
      problems.push(err.message);
    }
  });
  if (problems.length > 0) throw datasetError(problems, `Fix these lines of ${METADATA_FILE} (or make the Shapes world again), then start the run again.`);
  return records;
}

/** The fields of a metadata.jsonl row the labels read; the world writes more (boxes, colours), which they ignore. */
const metadataRowSchema = z.object({
  image: z.string(),
  objects: z.array(z.object({ classId: z.number().int().min(1).max(LABEL_CLASS_COUNT), visiblePixels: z.number() })),
  split: z.unknown().optional(),
});

function labelRow(row: z.output<typeof metadataRowSchema>, root: string): Omit<LabelRecord, 'file' | 'line'> {
  const present = new Set(row.objects.filter((o) => o.visiblePixels > 0).map((o) => o.classId - 1));
  return {
    key: row.image,
    image: resolve(root, row.image),
    labels: [...present].sort((a, b) => a - b),
    ...(row.split === 'test' || row.split === 'train' ? { split: row.split } : {}),
  };
}
