// A run's preference pairs: a dataset folder as it is, or the workspace pairs a filter matches, exported into the
// run's folder as TRL JSONL with their images when the run is queued (so later curation does not change a run).
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PivotError } from '../../src-shared/errors';
import type { PairFilter } from '../../src-shared/domain/pairs';
import type { RunData } from '../../src-shared/domain/runs';
import { exportDataset } from '../curation/export-dataset';
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
  if (ws.pairs.list({ filter, limit: 1 }).total === 0) {
    throw new PivotError('INVALID_REQUEST', `No pairs match ${describeFilter(filter)}: accept some pairs in the Curation view, or choose another filter.`, { filter });
  }
  return data;
}

/** The folder the engine reads: the given one, or a fresh export of the matching pairs into `<runDir>/data`. */
export async function materialiseRunData(ws: Workspace, data: RunData, runDir: string): Promise<string> {
  if ('folder' in data) return data.folder;
  const folder = join(runDir, 'data');
  await exportDataset(ws, join(folder, 'pairs.jsonl'), workspaceFilter(data));
  return folder;
}

function workspaceFilter(data: Exclude<RunData, { folder: string }>): PairFilter {
  return data.dataset === undefined ? data.filter : { ...data.filter, dataset: data.dataset };
}

function describeFilter(filter: PairFilter): string {
  const parts = [
    filter.status?.length ? `status ${filter.status.join(' or ')}` : null,
    filter.dataset ? `dataset '${filter.dataset}'` : null,
    filter.split ? `split ${filter.split}` : null,
    filter.tags?.length ? `tags ${filter.tags.join(', ')}` : null,
    filter.text ? `text "${filter.text}"` : null,
  ].filter((p) => p !== null);
  return parts.length > 0 ? parts.join(', ') : 'the filter';
}
