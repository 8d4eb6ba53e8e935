// `<data folder>/workspace-pairs.json`: what a run's data folder holds when its pairs were exported from a workspace
// (the datasets, the filter, the counts, the pair file's sha256), so its recipe.json and model card name the data
// actually trained on. Written by main when it exports a run's pairs; read by the engine when the run records itself.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { PivotError } from '../../../src-shared/errors';
import { pairFilterSchema, type PairFilter } from '../../../src-shared/domain/pairs';
import { readJsonFile, writeJsonFile } from './json-file';

export const WORKSPACE_PAIRS_FILE = 'workspace-pairs.json';

export const workspacePairsSchema = z.object({
  /** The workspace folder the pairs were exported from. */
  workspace: z.string(),
  /** The filter they matched, the run's dataset included. */
  filter: pairFilterSchema,
  /** How many pairs were exported, in all and per split, and per dataset by name. */
  pairs: z.number().int(),
  splits: z.object({ train: z.number().int(), test: z.number().int() }),
  datasets: z.record(z.string(), z.number().int()),
  /** The exported pair file, by name in the data folder; image files are named by their content hash inside it. */
  file: z.object({ name: z.string(), sha256: z.string(), bytes: z.number().int() }),
});

export type WorkspacePairs = z.output<typeof workspacePairsSchema>;

/** What `dataFolder` says of its pairs' origin, or null for a folder not exported for a run (a Shapes world, a given folder). */
export function readWorkspacePairs(dataFolder: string): WorkspacePairs | null {
  return readJsonFile(join(dataFolder, WORKSPACE_PAIRS_FILE), workspacePairsSchema);
}

export async function writeWorkspacePairs(dataFolder: string, pairs: WorkspacePairs): Promise<void> {
  await writeJsonFile(join(dataFolder, WORKSPACE_PAIRS_FILE), workspacePairsSchema, pairs, 2);
}

/**
 * Throws INVALID_DATA when the pair file in `dataFolder` is not the one recorded (`recorded.file`): a run resumed on
 * pairs edited since they were exported would train on other data than its checkpoints and recipe.json say.
 */
export function checkPairFileUnchanged(dataFolder: string, recorded: WorkspacePairs, recordedIn: string): void {
  const path = join(dataFolder, recorded.file.name);
  if (!existsSync(path)) {
    throw new PivotError('NOT_FOUND', `${path} is gone: the run was started on it (recorded in ${recordedIn}). Put it back to resume the run, or start a new run.`, { file: path });
  }
  const sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
  if (sha256 !== recorded.file.sha256) {
    throw new PivotError(
      'INVALID_DATA',
      `${path} has changed since it was exported for the run: its sha256 is ${sha256}, but ${recordedIn} records ${recorded.file.sha256}. ` +
        'Put the exported file back to resume the run, or start a new run on the pairs as they are now.',
      { file: path },
    );
  }
}

/** A filter in words, e.g. "status accepted, dataset 'rlaif-v'", as errors and the model card name it. */
export function describeFilter(filter: PairFilter): string {
  const parts = [
    filter.status?.length ? `status ${filter.status.join(' or ')}` : null,
    filter.dataset ? `dataset '${filter.dataset}'` : null,
    filter.split ? `split ${filter.split}` : null,
    filter.tags?.length ? `tags ${filter.tags.join(', ')}` : null,
    filter.text ? `text "${filter.text}"` : null,
    filter.minLengthDiff !== undefined ? `length difference ≥ ${filter.minLengthDiff} characters` : null,
    filter.longerSide ? `${filter.longerSide} answer longer` : null,
  ].filter((p) => p !== null);
  return parts.length > 0 ? parts.join(', ') : 'no filter (every pair)';
}
