// The comparison table built from a report: differences from the chosen reference column with their 95 % intervals
// (paired t over the three probe seeds, worked by hand below), the verdict read off the interval (no noise estimate
// for single measurements), the per-class breakdown, and the exact CSV and Markdown exports.
import { describe, expect, it } from 'vitest';
import { tableCsv, tableMarkdown } from '../../src-renderer/src/lib/compare-table';
import { perClassBreakdown } from '../../src-renderer/src/lib/per-class';
import { isReportName } from '../../src-shared/domain/report-paths';
import { orderedColumns, parseStudyReport } from '../../src-shared/domain/study-report';
import { compareTable } from '../../src-shared/domain/study-table';
import { cell, smallReport } from './compare-report';

describe('the comparison table', () => {
  it('takes differences from SFT by default and from any chosen column, each with its interval', () => {
    // t(0.975, 2) = 4.302653; per-seed differences with std 0.0625 give a half-width of 4.302653 · 0.0625 / √3 = 0.155257.
    const half = (4.302652729749462 * 0.0625) / Math.sqrt(3);
    const bySft = compareTable(smallReport());
    expect(bySft.columns).toEqual(['original', 'sft', 'dpo']);
    expect(bySft.reference).toBe('sft');
    const linear = bySft.rows[0]!;
    // DPO − SFT per seed 0.3125, 0.1875, 0.25: mean 0.25, the interval above 0.
    expect(linear.deltas.dpo).toMatchObject({ method: 'paired t over seeds', n: 3, mean: 0.25, verdict: 'higher' });
    expect(linear.deltas.dpo!.low).toBeCloseTo(0.25 - half, 12);
    expect(linear.deltas.dpo!.high).toBeCloseTo(0.25 + half, 12);
    expect(linear.deltas.dpo!.effectSize).toBeCloseTo(4, 12);
    // original − SFT per seed −0.1875, −0.125, −0.0625: mean −0.125, the interval [−0.280, +0.030] holds 0.
    expect(linear.deltas.original).toMatchObject({ method: 'paired t over seeds', n: 3, verdict: 'no difference detected' });
    expect(linear.deltas.original!.high).toBeCloseTo(-0.125 + half, 12);
    // Focus: two samples a side, no sample ids: each side's resampled mean takes three values, so the 2.5 % and 97.5 %
    // points of DPO − SFT are 0.1875 − 0.5 and 0.3125 − 0.25.
    expect(bySft.rows[1]!.deltas.original).toBeNull();
    expect(bySft.rows[1]!.deltas.dpo).toMatchObject({ method: 'bootstrap over samples', n: 2, mean: -0.125, low: -0.3125, high: 0.0625, verdict: 'no difference detected' });
    expect(bySft.rows[2]!.deltas.dpo).toMatchObject({ method: 'single measurements', mean: 0, verdict: 'no noise estimate' });

    const byOriginal = compareTable(smallReport(), 'original');
    expect(byOriginal.reference).toBe('original');
    expect(Object.keys(byOriginal.rows[0]!.deltas)).toEqual(['sft', 'dpo']);
    expect(byOriginal.rows[0]!.deltas.dpo).toMatchObject({ mean: 0.375, verdict: 'higher' });
    expect(byOriginal.rows[1]!.deltas).toEqual({ sft: null, dpo: null });
    expect(compareTable(smallReport(), 'dpo').rows[0]!.deltas.sft).toMatchObject({ mean: -0.25, verdict: 'lower' });
    expect(compareTable(smallReport(), 'nonsense').reference).toBe('sft');
  });

  it('compares only the named columns when asked (the CLI and report.html show DPO − SFT alone)', () => {
    const table = compareTable(smallReport(), 'sft', ['dpo']);
    expect(table.columns).toEqual(['original', 'sft', 'dpo']);
    expect(table.compared).toEqual(['dpo']);
    expect(compareTable(smallReport()).compared).toEqual(['original', 'dpo']);
    expect(Object.keys(table.rows[0]!.deltas)).toEqual(['dpo']);
  });

  it('gives a cell no difference where either cell or its mean is missing', () => {
    const report = smallReport();
    report.rows[0]!.cells.dpo = cell(0.5, 0.1, [0.4, 0.6], { mean: null });
    expect(compareTable(report).rows[0]!.deltas.dpo).toBeNull();
  });

  it('keeps the row protocol, chance and ceiling, and the cell protocols when they differ', () => {
    const table = compareTable(smallReport());
    expect(table.rows.map((r) => [r.protocol, r.cellProtocols, r.chance, r.ceiling])).toEqual([
      ['linear-probe/x', [], 0.25, 1],
      ['gradcam', ['gradcam/sft-loss', 'gradcam/dpo-loss'], 0.0625, 1],
      ['knn/k10', [], 0.125, 1],
    ]);
  });

  it('puts other encoder columns after original, SFT and DPO', () => {
    const report = smallReport();
    report.encoders = { extra: { ...report.encoders.sft!, column: 'extra' }, ...report.encoders };
    report.rows[0]!.cells.extra = cell(0.5, 0.1, [0.4, 0.6]);
    expect(orderedColumns(report)).toEqual(['original', 'sft', 'dpo', 'extra']);
  });

  it("finds the per-class breakdown of a row in the details, with each class's support", () => {
    const report = smallReport();
    expect(perClassBreakdown(report, 'linear', ['original', 'sft', 'dpo'])).toEqual({
      measure: 'accuracy',
      classes: ['circle', 'square'],
      supportUnit: 'test images',
      support: [4, 4],
      values: { original: [0.5, 0.5], sft: [0.75, 0.5], dpo: [1, 0.75] },
    });
    expect(perClassBreakdown(report, 'alignment', ['sft'])).toBeNull();
    expect(perClassBreakdown(report, 'segRecall', ['sft'])).toBeNull();
    const seg = { result: { perClass: [{ id: 0, name: 'background', recall: { mean: 1, std: 0 }, iou: { mean: 0.5, std: 0 }, testPatches: 812 }] } };
    report.details = { sft: { segmentation: seg } };
    expect(perClassBreakdown(report, 'mIoU', ['sft', 'dpo'])).toEqual({
      measure: 'IoU',
      classes: ['background'],
      supportUnit: 'test patches',
      support: [812],
      values: { sft: [0.5], dpo: [null] },
    });
  });

  it('exports CSV with full precision, against the reference: each difference with its interval, effect size, method and verdict', () => {
    expect(tableCsv(compareTable(smallReport(), 'sft'))).toBe(
      [
        'metric,protocol,chance,ceiling,original mean,original std,SFT mean,SFT std,DPO mean,DPO std,' +
          'original - SFT,original - SFT low,original - SFT high,original - SFT effect size,original - SFT method,original verdict,' +
          'DPO - SFT,DPO - SFT low,DPO - SFT high,DPO - SFT effect size,DPO - SFT method,DPO verdict',
        // ∓ 4.302653 · 0.0625 / √3 = 0.155258607; d_z −0.125 / 0.0625 and 0.25 / 0.0625.
        'linear probe acc,linear-probe/x,0.25,1,0.5,0.125,0.625,0.0625,0.875,0.0625,' +
          '-0.125,-0.28025860698439103,0.030258606984391034,-2,paired t over seeds,no difference detected,' +
          '0.25,0.09474139301560897,0.40525860698439103,4,paired t over seeds,DPO higher',
        // Cohen's d: −0.125 over the pooled std √((0.0078125 + 0.03125) / 2).
        'focus score,gradcam; gradcam/sft-loss; gradcam/dpo-loss,0.0625,1,,,0.375,0.125,0.25,0.0625,,,,,,,' +
          '-0.125,-0.3125,0.0625,-0.8944271909999159,bootstrap over samples,no difference detected',
        'alignment,knn/k10,0.125,1,0.25,0,0.5,0,0.5,0,-0.25,,,,single measurements,no noise estimate,0,,,,single measurements,no noise estimate',
        '',
      ].join('\n'),
    );
    const report = smallReport();
    report.rows[0]!.label = 'acc, "top-1"';
    expect(tableCsv(compareTable(report, 'original')).split('\n')[1]!.startsWith('"acc, ""top-1""",linear-probe/x,')).toBe(true);
  });

  it('exports Markdown as the table shows it', () => {
    expect(tableMarkdown(compareTable(smallReport(), 'original'))).toBe(
      [
        '| metric | protocol | chance | ceiling | original (reference) | SFT | DPO | Δ SFT − original [95 % interval] | Δ DPO − original [95 % interval] |',
        '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
        '| linear probe acc | linear-probe/x | 0.250 | 1.000 | 0.500 ± 0.125 | 0.625 ± 0.063 | 0.875 ± 0.063 | +0.125 [−0.030, +0.280] (no difference detected) | +0.375 [+0.106, +0.644] (DPO higher) |',
        '| focus score | gradcam; gradcam/sft-loss; gradcam/dpo-loss | 0.063 | 1.000 | — | 0.375 ± 0.125 | 0.250 ± 0.063 | — | — |',
        '| alignment | knn/k10 | 0.125 | 1.000 | 0.250 | 0.500 | 0.500 | +0.250 (no noise estimate) | +0.250 (no noise estimate) |',
        '',
      ].join('\n'),
    );
  });

  it('checks report names and report data', () => {
    expect(['2026-01-02_03-04-05', 'study a', 'v1.2'].map(isReportName)).toEqual([true, true, true]);
    expect(['../x', 'a/b', 'a\\b', '..', '.', ''].map(isReportName)).toEqual([false, false, false, false, false, false]);
    expect(parseStudyReport(JSON.parse(JSON.stringify(smallReport())) as unknown).rows).toHaveLength(3);
    expect(() => parseStudyReport({ version: 1 })).toThrow(/Not a pivot demo report/);
  });
});
