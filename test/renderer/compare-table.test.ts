// The comparison table built from a report: deltas against the chosen reference column, the verdict (inside the
// noise when |Δ| ≤ the larger std, no noise estimate for single measurements), the per-class breakdown, and the
// exact CSV and Markdown exports.
import { describe, expect, it } from 'vitest';
import { tableCsv, tableMarkdown } from '../../src-renderer/src/lib/compare-table';
import { perClassBreakdown } from '../../src-renderer/src/lib/per-class';
import { isReportName } from '../../src-shared/domain/report-paths';
import { deltaOf, orderedColumns, parseStudyReport } from '../../src-shared/domain/study-report';
import { compareTable } from '../../src-shared/domain/study-table';
import { cell, smallReport } from './compare-report';

describe('the comparison table', () => {
  it('takes deltas against SFT by default and against any chosen column', () => {
    const bySft = compareTable(smallReport());
    expect(bySft.columns).toEqual(['original', 'sft', 'dpo']);
    expect(bySft.reference).toBe('sft');
    const linear = bySft.rows[0]!;
    expect(linear.deltas).toEqual({
      original: { value: -0.125, noise: 0.125, verdict: 'inside the noise' },
      dpo: { value: 0.25, noise: 0.0625, verdict: 'higher' },
    });
    expect(bySft.rows[1]!.deltas).toEqual({ original: null, dpo: { value: -0.125, noise: 0.125, verdict: 'inside the noise' } });
    expect(bySft.rows[2]!.deltas.dpo).toEqual({ value: 0, noise: 0, verdict: 'no noise estimate' });

    const byOriginal = compareTable(smallReport(), 'original');
    expect(byOriginal.reference).toBe('original');
    expect(Object.keys(byOriginal.rows[0]!.deltas)).toEqual(['sft', 'dpo']);
    expect(byOriginal.rows[0]!.deltas.dpo).toEqual({ value: 0.375, noise: 0.125, verdict: 'higher' });
    expect(byOriginal.rows[1]!.deltas).toEqual({ sft: null, dpo: null });
    expect(compareTable(smallReport(), 'dpo').rows[0]!.deltas.sft).toEqual({ value: -0.25, noise: 0.0625, verdict: 'lower' });
    expect(compareTable(smallReport(), 'nonsense').reference).toBe('sft');
  });

  it('compares only the named columns when asked (the CLI and report.html show DPO − SFT alone)', () => {
    const table = compareTable(smallReport(), 'sft', ['dpo']);
    expect(table.columns).toEqual(['original', 'sft', 'dpo']);
    expect(table.compared).toEqual(['dpo']);
    expect(compareTable(smallReport()).compared).toEqual(['original', 'dpo']);
    expect(table.rows[0]!.deltas).toEqual({ dpo: { value: 0.25, noise: 0.0625, verdict: 'higher' } });
  });

  it('says inside the noise exactly up to the larger std, lower beyond it', () => {
    const ref = cell(0.5, 0.1, [0.4, 0.6]);
    expect(deltaOf(cell(0.45, 0.05, []), cell(0.5, 0.05, []))?.verdict).toBe('inside the noise');
    expect(deltaOf(cell(0.375, 0.0625, []), cell(0.5, 0.125, []))?.verdict).toBe('inside the noise');
    expect(deltaOf(cell(0.25, 0.0625, []), ref)?.verdict).toBe('lower');
    expect(deltaOf(cell(0.5, 0, [], { spread: 'single' }), cell(0.5, 0.1, []))?.verdict).toBe('inside the noise');
    expect(deltaOf(null, ref)).toBeNull();
    expect(deltaOf(cell(0.5, 0.1, [], { mean: null }), ref)).toBeNull();
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

  it('exports CSV with full precision, against the reference', () => {
    expect(tableCsv(compareTable(smallReport(), 'sft'))).toBe(
      [
        'metric,protocol,chance,ceiling,original mean,original std,SFT mean,SFT std,DPO mean,DPO std,original - SFT,original verdict,DPO - SFT,DPO verdict',
        'linear probe acc,linear-probe/x,0.25,1,0.5,0.125,0.625,0.0625,0.875,0.0625,-0.125,inside the noise,0.25,higher',
        'focus score,gradcam; gradcam/sft-loss; gradcam/dpo-loss,0.0625,1,,,0.375,0.125,0.25,0.0625,,,-0.125,inside the noise',
        'alignment,knn/k10,0.125,1,0.25,0,0.5,0,0.5,0,-0.25,no noise estimate,0,no noise estimate',
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
        '| metric | protocol | chance | ceiling | original (reference) | SFT | DPO | Δ SFT − original | Δ DPO − original |',
        '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
        '| linear probe acc | linear-probe/x | 0.250 | 1.000 | 0.500 ± 0.125 | 0.625 ± 0.063 | 0.875 ± 0.063 | +0.125 (inside the noise) | +0.375 (higher) |',
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
