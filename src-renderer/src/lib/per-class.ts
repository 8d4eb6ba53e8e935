// The per-class results behind a row of the Compare table (the linear probes' accuracy, the segmentation probe's
// recall and IoU per class), read from the report's details.
import type { StudyReport } from '../../../src-shared/domain/study-report';

export interface PerClassBreakdown {
  /** What the per-class number is (accuracy, recall, IoU). */
  measure: string;
  classes: string[];
  /** Per column, one value per class (null where that column has none). */
  values: Record<string, Array<number | null>>;
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function numberAt(value: unknown, ...path: string[]): number | null {
  let v: unknown = value;
  for (const p of path) v = record(v)?.[p];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

const BREAKDOWNS: Record<string, { detail: string; measure: string; read: (entry: unknown) => number | null }> = {
  linear: { detail: 'linear', measure: 'accuracy', read: (e) => numberAt(e, 'accuracy') },
  linearProjector: { detail: 'linearProjector', measure: 'accuracy', read: (e) => numberAt(e, 'accuracy') },
  segRecall: { detail: 'segmentation', measure: 'recall', read: (e) => numberAt(e, 'recall', 'mean') ?? numberAt(e, 'recall') },
  mIoU: { detail: 'segmentation', measure: 'IoU', read: (e) => numberAt(e, 'iou', 'mean') ?? numberAt(e, 'iou') },
};

/** The per-class results behind a row (`details[column][measurement].result.perClass`), when the report has them. */
export function perClassBreakdown(report: Pick<StudyReport, 'details'>, rowKey: string, columns: string[]): PerClassBreakdown | null {
  const spec = BREAKDOWNS[rowKey];
  if (!spec) return null;
  const classes: string[] = [];
  const byColumn = new Map<string, Map<string, number | null>>();
  for (const column of columns) {
    const perClass = record(record(record(report.details[column])?.[spec.detail])?.result)?.perClass;
    if (!Array.isArray(perClass)) continue;
    const values = new Map<string, number | null>();
    for (const entry of perClass) {
      const name = record(entry)?.name;
      if (typeof name !== 'string') continue;
      if (!classes.includes(name)) classes.push(name);
      values.set(name, spec.read(entry));
    }
    byColumn.set(column, values);
  }
  if (classes.length === 0) return null;
  const values: Record<string, Array<number | null>> = {};
  for (const column of columns) values[column] = classes.map((n) => byColumn.get(column)?.get(n) ?? null);
  return { measure: spec.measure, classes, values };
}
