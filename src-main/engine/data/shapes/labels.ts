// The image labels a `labels` stage pretrains the encoder on: which colour-shape classes each image shows, read
// from a Shapes world's metadata.jsonl (an object counts when some of its pixels are visible, so a class the mask
// holds is exactly a class the label holds).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PivotError } from '../../../../src-shared/errors';
import { NUM_CLASSES } from './vocab';
import { datasetError, type RecordLocation } from '../batches/records';

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
    const at = `${path}:${index + 1}`;
    try {
      records.push({ file: path, line: index + 1, ...labelRow(JSON.parse(raw) as unknown, root) });
    } catch (err) {
      problems.push(`${at}: ${(err as Error).message}`);
    }
  });
  if (problems.length > 0) throw datasetError(problems, `Fix these lines of ${METADATA_FILE} (or make the Shapes world again), then start the run again.`);
  return records;
}

function labelRow(row: unknown, root: string): Omit<LabelRecord, 'file' | 'line'> {
  if (typeof row !== 'object' || row === null) throw new Error('expected a JSON object');
  const { image, objects, split } = row as { image?: unknown; objects?: unknown; split?: unknown };
  if (typeof image !== 'string') throw new Error('field "image" must be an image path');
  if (!Array.isArray(objects)) throw new Error('field "objects" must be a list of objects');
  const present = new Set<number>();
  for (const o of objects as { classId?: unknown; visiblePixels?: unknown }[]) {
    const { classId, visiblePixels } = o;
    if (typeof classId !== 'number' || !Number.isInteger(classId) || classId < 1 || classId > LABEL_CLASS_COUNT) {
      throw new Error(`an object has classId ${String(classId)}, expected a whole number from 1 to ${LABEL_CLASS_COUNT}`);
    }
    if (typeof visiblePixels !== 'number') throw new Error('an object has no "visiblePixels"');
    if (visiblePixels > 0) present.add(classId - 1);
  }
  return {
    key: image,
    image: resolve(root, image),
    labels: [...present].sort((a, b) => a - b),
    ...(split === 'test' || split === 'train' ? { split } : {}),
  };
}
