// Exports the pairs a filter matches as TRL conversational JSONL with the image files beside it.
import { resolve } from 'node:path';
import type { PairFilter } from '../../src-shared/domain/pairs';
import type { ExportResult } from '../../src-shared/ipc/contract';
import { writeTrlExport, type ExportablePair } from '../datasets/export/trl';
import type { Workspace } from '../store/workspace';

export async function exportDataset(
  ws: Workspace,
  out: string,
  filter: PairFilter,
  onProgress?: (done: number, total: number) => void,
): Promise<ExportResult> {
  const total = ws.pairs.list({ filter, limit: 1 }).total;
  return writeTrlExport(resolve(out), exportable(ws, filter), (n) => onProgress?.(n, total));
}

/** The pairs `filter` matches, with what an export writes of each. */
export function* exportable(ws: Workspace, filter: PairFilter): Generator<ExportablePair> {
  for (const pair of ws.pairs.iterate(filter)) {
    yield {
      id: pair.id,
      imagePath: ws.images.pathFor(pair.image, pair.imageFormat),
      imageName: `${pair.image}.${pair.imageFormat}`,
      question: pair.question,
      chosen: pair.chosen,
      rejected: pair.rejected,
      split: pair.split,
      status: pair.status,
      tags: pair.tags,
      source: { dataset: pair.source.dataset, origin: pair.source.origin },
    };
  }
}
