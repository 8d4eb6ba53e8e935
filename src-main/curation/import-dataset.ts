// Imports a dataset file into a workspace: validated records go in (images content-addressed), bad ones are
// reported by line or index with the reason, and pairs already present are skipped rather than duplicated (the
// dataset is filed only once a pair of it is new). Every finished import's report is kept in the workspace's import
// history, whichever road it came by (the window or `pivot data import`).
import { basename, dirname, resolve } from 'node:path';
import type { ImportFormat, ImportReport } from '../../src-shared/domain/import-report';
import { readDataset, type ValidRecord } from '../datasets/import';
import type { NewPair } from '../store/pairs';
import type { Workspace } from '../store/workspace';

/** Records are written in batches: one transaction each, so a crash mid-import keeps every finished batch. */
const BATCH = 500;

export interface ImportOptions {
  format?: ImportFormat;
  /** Dataset name the pairs are filed under; defaults to `<folder>/<file>`. */
  dataset?: string;
  onProgress?: (done: number, total: number) => void;
}

export async function importDataset(ws: Workspace, file: string, options: ImportOptions = {}): Promise<ImportReport> {
  const path = resolve(file);
  const parsed = await readDataset(path, options.format);
  const dataset = { name: options.dataset ?? defaultDatasetName(path), format: parsed.format, sourcePath: path };
  const report: ImportReport = { format: parsed.format, imported: 0, rejected: [], skipped: 0, blankLines: parsed.blankLines };
  let batch: NewPair[] = [];
  let done = 0;
  const flush = async (): Promise<void> => {
    const { inserted, duplicates } = ws.pairs.importMany(dataset, batch);
    report.imported += inserted;
    report.skipped += duplicates;
    batch = [];
    options.onProgress?.(done, parsed.total);
    // Let progress events (and other requests) go out between batches.
    await new Promise<void>((resolve) => setImmediate(resolve));
  };
  for await (const item of parsed.items) {
    done++;
    if (item.ok) batch.push(toNewPair(ws, item.record));
    else report.rejected.push(item.rejected);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  ws.imports.record({ dataset: dataset.name, file: path, report });
  return report;
}

function toNewPair(ws: Workspace, record: ValidRecord): NewPair {
  const { bytes, format, width, height } = record.image;
  const hash = ws.images.put(bytes, format);
  return {
    image: { hash, format, width, height, bytes: bytes.length },
    question: record.question,
    chosen: record.chosen,
    rejected: record.rejected,
    origin: record.origin,
    location: record.location,
    ...(record.split ? { split: record.split } : {}),
  };
}

function defaultDatasetName(path: string): string {
  return `${basename(dirname(path))}/${basename(path)}`;
}
