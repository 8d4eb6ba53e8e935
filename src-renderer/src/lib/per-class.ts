// The per-class results behind a row of the Compare table (the linear probes' accuracy, the segmentation probe's
// recall and IoU per class) with each class's support (test images, or test patches for segmentation), read from the
// report's details.
import type { StudyReport } from '../../../src-shared/domain/study-report';

export interface PerClassBreakdown {
  /** What the per-class number is (accuracy, recall, IoU). */
  measure: string;
  classes: string[];
  /** What the support counts: "test images" (linear probes) or "test patches" (the segmentation probe). */
  supportUnit: string;
  /** Per class, how many test items it had (the first column that reports it; every column uses one test set). */
  support: Array<number | null>;
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

interface BreakdownSpec {
  detail: string;
  measure: string;
  read: (entry: unknown) => number | null;
  supportUnit: string;
  support: (entry: unknown) => number | null;
}

const LINEAR_SUPPORT = { supportUnit: 'test images', support: (e: unknown) => numberAt(e, 'support') };
const SEGMENTATION_SUPPORT = { supportUnit: 'test patches', support: (e: unknown) => numberAt(e, 'testPatches') };

const BREAKDOWNS: Record<string, BreakdownSpec> = {
  linear: { detail: 'linear', measure: 'accuracy', read: (e) => numberAt(e, 'accuracy'), ...LINEAR_SUPPORT },
  linearProjector: { detail: 'linearProjector', measure: 'accuracy', read: (e) => numberAt(e, 'accuracy'), ...LINEAR_SUPPORT },
  segRecall: { detail: 'segmentation', measure: 'recall', read: (e) => numberAt(e, 'recall', 'mean') ?? numberAt(e, 'recall'), ...SEGMENTATION_SUPPORT },
  mIoU: { detail: 'segmentation', measure: 'IoU', read: (e) => numberAt(e, 'iou', 'mean') ?? numberAt(e, 'iou'), ...SEGMENTATION_SUPPORT },
};

/** The per-class results behind a row (`details[column][measurement].result.perClass`), when the report has them. */
export function perClassBreakdown(report: Pick<StudyReport, 'details'>, rowKey: string, columns: string[]): PerClassBreakdown | null {
  const spec = BREAKDOWNS[rowKey];
  if (!spec) return null;
  const classes: string[] = [];
  const byColumn = new Map<string, Map<string, number | null>>();
  const support = new Map<string, number>();
  for (const column of columns) {
    const perClass = record(record(record(report.details[column])?.[spec.detail])?.result)?.perClass;
    if (!Array.isArray(perClass)) continue;
    const values = new Map<string, number | null>();
    for (const entry of perClass) {
      const name = record(entry)?.name;
      if (typeof name !== 'string') continue;
      if (!classes.includes(name)) classes.push(name);
      values.set(name, spec.read(entry));
      const n = spec.support(entry);
      if (n !== null && !support.has(name)) support.set(name, n);
    }
    byColumn.set(column, values);
  }
  if (classes.length === 0) return null;
  const values: Record<string, Array<number | null>> = {};
  for (const column of columns) values[column] = classes.map((n) => byColumn.get(column)?.get(n) ?? null);
  return { measure: spec.measure, classes, supportUnit: spec.supportUnit, support: classes.map((n) => support.get(n) ?? null), values };
}
