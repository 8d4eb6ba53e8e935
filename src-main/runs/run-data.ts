// A run's preference pairs: a dataset folder as it is, or the workspace pairs a filter matches, exported into the
// run's folder as TRL JSONL with their images when the run is queued (so later curation does not change a run), with
// a record of what was exported (datasets, filter, counts, sha256) that the run's recipe.json and model card name.
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { PivotError } from '../../src-shared/errors';
import type { PairFilter } from '../../src-shared/domain/pairs';
import type { RunData } from '../../src-shared/domain/runs';
import { exportable } from '../curation/export-dataset';
import { writeTrlExport } from '../datasets/export/trl';
import { describeFilter, writeWorkspacePairs, type WorkspacePairs } from '../engine/run-folder/workspace-pairs';
import type { Workspace } from '../store/workspace';

/** The files the engine reads from a dataset folder. */
const DATA_FILES = ['pairs.jsonl', 'captions.jsonl'];

/** Checks the data source before a run is recorded; returns it with a folder made absolute. */
export function checkRunData(ws: Workspace, data: RunData): RunData {
  if ('folder' in data) {
    const folder = resolve(data.folder);
    if (!existsSync(folder) || !statSync(folder).isDirectory()) {
      throw new PivotError('INVALID_REQUEST', `The data folder ${folder} does not exist: give a folder holding pairs.jsonl and its images.`, { folder });
    }
    if (!DATA_FILES.some((f) => existsSync(join(folder, f)))) {
      throw new PivotError('INVALID_REQUEST', `The data folder ${folder} holds neither ${DATA_FILES.join(' nor ')}: export pairs there first (pivot data export).`, { folder });
    }
    return { folder };
  }
  const filter = workspaceFilter(data);
  if (filter.dataset !== undefined && !ws.pairs.datasets().some((d) => d.name === filter.dataset)) {
    const names = ws.pairs.datasets().map((d) => d.name);
    throw new PivotError('NOT_FOUND', `No dataset '${filter.dataset}' in this workspace${names.length ? ` (it has ${names.join(', ')})` : ''}.`, { dataset: filter.dataset });
  }
  const exclude = new Set(data.exclude ?? []);
  if (!ws.pairs.ids(filter).some((id) => !exclude.has(id))) {
    const left = exclude.size > 0 ? ` once the ${exclude.size} excluded pairs are left out` : '';
    throw new PivotError('INVALID_REQUEST', `No pairs match ${describeFilter(filter)}${left}: accept some pairs in the Curation view, or choose another filter.`, { filter });
  }
  return data;
}

/**
 * The folder the engine reads: the given one, or a fresh export of the matching pairs into `<runDir>/data` with
 * its workspace-pairs.json.
 */
export async function materialiseRunData(ws: Workspace, data: RunData, runDir: string): Promise<string> {
  if ('folder' in data) return data.folder;
  const folder = join(runDir, 'data');
  const filter = workspaceFilter(data);
  const exclude = new Set(data.exclude ?? []);
  const pairs = (function* () {
    for (const pair of exportable(ws, filter)) if (!exclude.has(pair.id)) yield pair;
  })();
  const { path } = await writeTrlExport(join(folder, 'pairs.jsonl'), pairs);
  await writeWorkspacePairs(folder, { workspace: ws.dir, filter, ...(await describeExport(path)) });
  return folder;
}

/** Counts and hash of the pair file as written, read back from it: what the engine will read, not what was meant. */
async function describeExport(path: string): Promise<Omit<WorkspacePairs, 'workspace' | 'filter'>> {
  const bytes = await readFile(path);
  const splits = { train: 0, test: 0 };
  const datasets: Record<string, number> = {};
  const lines = bytes.toString('utf8').split('\n').filter((line) => line !== '');
  for (const line of lines) {
    const pair = JSON.parse(line) as { split: 'train' | 'test'; source_dataset: string };
    splits[pair.split]++;
    datasets[pair.source_dataset] = (datasets[pair.source_dataset] ?? 0) + 1;
  }
  return {
    pairs: lines.length,
    splits,
    datasets,
    file: { name: basename(path), sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length },
  };
}

/** The filter a run's workspace data stands for, its dataset included. */
export function workspaceFilter(data: Exclude<RunData, { folder: string }>): PairFilter {
  return data.dataset === undefined ? data.filter : { ...data.filter, dataset: data.dataset };
}
