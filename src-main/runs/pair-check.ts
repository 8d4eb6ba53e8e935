// Main's side of the pair check: the workspace pairs a run's data selects (less those it excludes), checked on an
// engine host against the recipe's model (engine/train/pair-fit.ts), answered with counts and the unusable pairs by
// id and dataset; and the refusal of a run that still holds unusable pairs.
import { PivotError } from '../../src-shared/errors';
import { describeUnusable, type PairCheck, type ParsedPairCheckRequest } from '../../src-shared/domain/pair-check';
import type { HostLauncher } from '../engine-jobs/engine-host';
import { jobAnswer, startEngineJob } from '../engine-jobs/engine-job';
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
  const options = { ...asked, pairs };
  const report = await jobAnswer(startEngineJob(launch, 'pair-fit', options, { during: 'while checking the pairs' }));
  return {
    model: report.model,
    selected,
    excluded: selected - pairs.length,
    usable: pairs.length - report.unfit.length,
    unusable: report.unfit.map((u) => ({ ...u, dataset: datasets.get(u.id) ?? '' })),
  };
}

/** Refuses a run whose pairs are not all trainable, naming the first few with their reason and what to do. */
export function refuseUnusable(check: PairCheck): void {
  if (check.unusable.length === 0) return;
  const named = check.unusable.slice(0, NAMED_IN_ERROR).map((u) => `pair ${u.id} (${u.dataset}): ${describeUnusable(u)}`);
  const more = check.unusable.length > named.length ? `, and ${check.unusable.length - named.length} more` : '';
  throw new PivotError(
    'INVALID_DATA',
    `${check.unusable.length} of the ${check.selected - check.excluded} pairs cannot be trained on with ${check.model.name} ` +
      `(context ${check.model.maxLength}, image ${check.model.imageTokenCount} tokens, ${check.model.tokenizer}): ${named.join('; ')}${more}. ` +
      'Exclude them ("Exclude from this run" on the form, or data.exclude in the request), fix them, or choose another model.',
    { pairs: check.unusable.map((u) => u.id) },
  );
}
