// report.json has one schema and one verdict: a report written by the writer of 5769b24 (before the schema was
// shared) still parses, every field kept, and the shared verdict gives the very deltas that writer stored.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStudyReport, rowDelta, studyReportAsWrittenSchema } from '../../../../src-shared/domain/study-report';
import { compareTable } from '../../../../src-shared/domain/study-table';

const written = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'report-written-by-5769b24.json'), 'utf8')) as Record<string, unknown>;

describe('report.json', () => {
  it('parses a report written by 5769b24, keeping every field as written', () => {
    const report = parseStudyReport(written);
    expect(report).toEqual(written);
    expect(report.rows.map((r) => r.key)).toEqual(['linear', 'mIoU', 'focus', 'alignment', 'qa']);
    // NaN was written as null: the cell keeps its null mean instead of failing the report.
    expect(report.rows[4]!.cells.original!.mean).toBeNull();
  });

  it('is a report as pivot study writes it, and a reader still opens one whose unread fields are odd', () => {
    const asWritten = studyReportAsWrittenSchema.parse(written);
    expect(asWritten).toEqual(written);
    expect(asWritten.world).toEqual({ folder: '/w/run/data', images: 40, testImages: 8, pairs: 120 });
    expect(asWritten.files.examples).toBe('examples/examples.json');
    expect(asWritten.training.stages[0]!.curve).toEqual([[1, 2.5], [8, 1.25]]);
    expect(parseStudyReport({ ...written, training: {}, files: 3 })).toMatchObject({ training: {}, files: 3 });
  });

  it('judges every row as that writer did: the same DPO − SFT value, noise and verdict', () => {
    const report = parseStudyReport(written);
    const table = compareTable(report, 'sft');
    for (const [i, row] of report.rows.entries()) {
      expect(rowDelta(row.cells), row.key).toEqual(row.delta);
      const delta = table.rows[i]!.deltas.dpo!;
      expect({ value: delta.value, noise: delta.noise }, row.key).toEqual({ value: row.delta!.value, noise: row.delta!.noise });
      expect(delta.verdict === 'higher' || delta.verdict === 'lower' ? `DPO ${delta.verdict}` : delta.verdict, row.key).toBe(row.delta!.verdict);
    }
    expect(report.rows.map((r) => r.delta!.verdict)).toEqual(['DPO higher', 'DPO lower', 'inside the noise', 'no noise estimate', 'inside the noise']);
  });
});
