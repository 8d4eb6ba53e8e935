// Main's side of the pair check: the workspace pairs a run's data selects (less those it excludes), or a dataset
// folder's pairs.jsonl, checked on an engine host against the recipe's model (engine/train/pair-fit.ts), answered with
// counts and the unusable pairs by id and dataset (by line and file for a folder); and the refusal of a run that
// still holds unusable pairs.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PivotError } from '../../src-shared/errors';
import { describeUnusable, type PairCheck, type ParsedPairCheckRequest } from '../../src-shared/domain/pair-check';
import type { HostLauncher } from '../engine-jobs/engine-host';
import { jobAnswer, startEngineJob } from '../engine-jobs/engine-job';
import { PAIRS_FILE, readDataset } from '../engine/data/batches/records';
import type { PairToCheck } from '../engine/train/pair-fit';
import type { Workspace } from '../store/workspace';
import { workspaceFilter } from './run-data';

/** How many unusable pairs a refused start names in its message (the details list every id). */
const NAMED_IN_ERROR = 5;

/** Checks the pairs `request.data` selects against the model of `request.recipe` (a resolved recipe path or name). */
export async function checkRunPairs(ws: Workspace, launch: HostLauncher, request: ParsedPairCheckRequest): Promise<PairCheck> {
  const exclude = new Set(request.data.exclude ?? []);
  const datasets = new Map<number, string>();
  const pairs = [];
  let selected = 0;
  for (const pair of ws.pairs.iterate(workspaceFilter(request.data))) {
    selected++;
    if (exclude.has(pair.id)) continue;
    datasets.set(pair.id, pair.source.dataset);
    pairs.push({ id: pair.id, image: ws.images.pathFor(pair.image, pair.imageFormat), question: pair.question, chosen: pair.chosen, rejected: pair.rejected });
  }
  const { data: _data, ...asked } = request;
  const report = await fitPairs(launch, asked, pairs);
  return {
    model: report.model,
    selected,
    excluded: selected - pairs.length,
    usable: pairs.length - report.unfit.length,
    unusable: report.unfit.map((u) => ({ ...u, dataset: datasets.get(u.id) ?? '' })),
  };
}

type FitRequest = Omit<ParsedPairCheckRequest, 'data'>;

function fitPairs(launch: HostLauncher, request: FitRequest, pairs: PairToCheck[]) {
  return jobAnswer(startEngineJob(launch, 'pair-fit', { ...request, pairs }, { during: 'while checking the pairs' }));
}

/**
 * A dataset folder's pairs (`pivot train --data FOLDER`), each its pairs.jsonl line as id; null for a folder of
 * captions only. A malformed line is refused here already, by file and line (readDataset).
 */
export async function checkFolderPairs(launch: HostLauncher, request: FitRequest & { folder: string }): Promise<PairCheck | null> {
  const { folder, ...asked } = request;
  const file = join(folder, PAIRS_FILE);
  if (!existsSync(file)) return null;
  const pairs = readDataset(folder).pairs.map((p): PairToCheck => ({ id: p.line, image: p.image, question: p.question, chosen: p.chosen, rejected: p.rejected }));
  const report = await fitPairs(launch, asked, pairs);
  return {
    model: report.model,
    selected: pairs.length,
    excluded: 0,
    usable: pairs.length - report.unfit.length,
    unusable: report.unfit.map((u) => ({ ...u, dataset: file })),
  };
}

/**
 * Refuses a run whose pairs are not all trainable, naming the first few with their reason and what to do: workspace
 * pairs by id and dataset, a folder's (`file` set) by line.
 */
export function refuseUnusable(check: PairCheck | null, file?: string): void {
  if (!check || check.unusable.length === 0) return;
  const named = check.unusable.slice(0, NAMED_IN_ERROR).map((u) => (file ? `line ${u.id}` : `pair ${u.id} (${u.dataset})`) + `: ${describeUnusable(u)}`);
  const more = check.unusable.length > named.length ? `, and ${check.unusable.length - named.length} more` : '';
  const model = `${check.model.name} (context ${check.model.maxLength}, image ${check.model.imageTokenCount} tokens, ${check.model.tokenizer})`;
  const pairs = `${check.unusable.length} of the ${check.selected - check.excluded} pairs${file ? ` in ${file}` : ''}`;
  const advice = file
    ? 'Fix or remove these lines, or choose another model.'
    : 'Exclude them ("Exclude from this run" on the form, or data.exclude in the request), fix them, or choose another model.';
  throw new PivotError('INVALID_DATA', `${pairs} cannot be trained on with ${model}: ${named.join('; ')}${more}. ${advice}`, {
    ...(file ? { file, lines: check.unusable.map((u) => u.id) } : { pairs: check.unusable.map((u) => u.id) }),
  });
}
