// report.json has one schema: a report written by the writer of 5769b24 (before the schema was shared, and before
// intervals) still parses, every field kept, and is judged again by the 95 % interval; the difference a report stores
// now still parses for a reader from before intervals.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { reportJsonText } from '../../../../src-main/engine/study/report-json';
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

  it('keeps the differences that writer stored, and judges its rows again by the 95 % interval', () => {
    const report = parseStudyReport(written);
    // As written then, by the rule before intervals (read, never written again).
    expect(report.rows.map((r) => r.delta!.verdict)).toEqual(['DPO higher', 'DPO lower', 'inside the noise', 'no noise estimate', 'inside the noise']);
    const table = compareTable(report, 'sft');
    // Two probe seeds: t(0.975, 1) = 12.706, so the per-seed differences 0.06, 0.02 give 0.04 ± 12.706 · 0.0283 / √2.
    const linear = table.rows[0]!.deltas.dpo!;
    expect(linear).toMatchObject({ method: 'paired t over seeds', n: 2, verdict: 'no difference detected' });
    expect(linear.mean).toBeCloseTo(0.04, 12);
    expect(linear.high - linear.mean).toBeCloseTo(12.706204736174694 * 0.02, 9);
    expect(table.rows.map((r) => [r.key, r.deltas.dpo!.method, r.deltas.dpo!.verdict])).toEqual([
      ['linear', 'paired t over seeds', 'no difference detected'],
      ['mIoU', 'paired t over seeds', 'no difference detected'],
      // Per-sample cells without sample ids (written before them) are resampled unpaired.
      ['focus', 'bootstrap over samples', 'no difference detected'],
      ['alignment', 'single measurements', 'no noise estimate'],
      ['qa', 'bootstrap over samples', 'no difference detected'],
    ]);
  });

  it('stores each row\'s difference so that a reader before intervals still parses it: value, noise and verdict kept', () => {
    const report = parseStudyReport(written);
    const readerBefore = z.object({ value: z.number(), noise: z.number(), verdict: z.string() });
    for (const row of report.rows) {
      const stored = JSON.parse(reportJsonText({ ...report, rows: [{ ...row, delta: rowDelta(row.cells) }] })).rows[0].delta as unknown;
      expect(readerBefore.safeParse(stored).success, row.key).toBe(true);
    }
    const linear = rowDelta(report.rows[0]!.cells)!;
    expect(linear.value).toBeCloseTo(0.04, 12);
    expect(linear.noise).toBeCloseTo(12.706204736174694 * 0.02, 9);
    expect(linear).toMatchObject({ verdict: 'no difference detected', method: 'paired t over seeds', n: 2 });
    expect(rowDelta(report.rows[3]!.cells)).toMatchObject({ noise: 0, verdict: 'no noise estimate', method: 'single measurements' });
  });
});
