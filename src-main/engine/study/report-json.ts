// The study's report as `runStudy` writes it: its three encoder columns, a comparison row (with the stored DPO − SFT
// delta), the short summary `pivot study --json` prints, and writing report.json. The schema itself is shared with
// the window: src-shared/domain/study-report.ts.
import { writeFile } from 'node:fs/promises';
import { rowDelta, type EncoderSource, type MeasuredCell, type RowDelta, type StudyReport, type StudyReportAsWritten, type StudyRow } from '../../../src-shared/domain/study-report';

export type Column = 'original' | 'sft' | 'dpo';
export const COLUMNS: readonly Column[] = ['original', 'sft', 'dpo'];

/** A row of the study's table: one cell per column, and the DPO − SFT delta report.json stores. */
export type ComparisonRow = StudyRow & { cells: Record<Column, MeasuredCell | null>; delta: RowDelta | null };

export function row(key: string, label: string, protocol: string, cells: Record<Column, MeasuredCell | null>): ComparisonRow {
  return { key, label, protocol, cells, delta: rowDelta(cells) };
}

/** The report `runStudy` writes, with its own three columns. */
export type WrittenStudyReport = Pick<StudyReportAsWritten, 'version' | 'tool' | 'date' | 'backend' | 'recipe' | 'seeds' | 'details' | 'out' | 'runDir' | 'world' | 'training' | 'durationsMs' | 'files' | 'notes' | 'reliability'> & {
  encoders: Record<Column, EncoderSource>;
  rows: ComparisonRow[];
};

/** The short form `pivot study --json` prints: the table and where everything is. */
export function reportSummary(report: WrittenStudyReport): Record<string, unknown> {
  return {
    date: report.date,
    backend: report.backend,
    recipe: report.recipe.name,
    seeds: report.seeds,
    out: report.out,
    runDir: report.runDir,
    files: report.files,
    encoders: report.encoders,
    rows: report.rows.map((r) => ({
      key: r.key, label: r.label, protocol: r.protocol,
      ...Object.fromEntries(COLUMNS.map((c) => [c, r.cells[c] ? { mean: r.cells[c].mean, std: r.cells[c].std, chance: r.cells[c].chance, ceiling: r.cells[c].ceiling } : null])),
      delta: r.delta,
    })),
    durationsMs: report.durationsMs,
  };
}

/** JSON with non-finite numbers as null (JSON has no NaN). */
export function reportJsonText(report: StudyReport): string {
  return `${JSON.stringify(report, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}

export async function writeReportJson(path: string, report: StudyReport): Promise<void> {
  await writeFile(path, reportJsonText(report));
}
