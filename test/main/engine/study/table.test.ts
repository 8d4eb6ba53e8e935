// The plain-text comparison table `pivot study` prints, on a hand-made set of rows, and the DPO − SFT delta each row
// of report.json stores.
import { describe, expect, it } from 'vitest';
import { formatTable, row } from '../../../../src-main/engine/study';
import type { MeasuredCell } from '../../../../src-shared/domain/study-report';
import { compareTable } from '../../../../src-shared/domain/study-table';

const cell = (mean: number, std: number, spread: MeasuredCell['spread'] = 'seeds'): MeasuredCell => ({
  mean, std, spread, values: [], seeds: spread === 'seeds' ? [0, 1, 2] : null, chance: 0.1, ceiling: 1, protocol: 'p', note: '',
});

describe('formatTable', () => {
  it('aligns the columns and gives each delta its verdict', () => {
    const rows = [
      row('linear', 'linear probe acc', 'linear-probe/mean-pooled-l2', { original: cell(0.5, 0.02), sft: cell(0.61, 0.03), dpo: cell(0.65, 0.01) }),
      row('mIoU', 'segmentation mIoU', 'patch-seg', { original: cell(0.2, 0.01), sft: cell(0.3, 0.01), dpo: cell(0.25, 0.02) }),
      row('focus', 'focus score (own loss)', 'gradcam', { original: null, sft: cell(0.4, 0.1, 'samples'), dpo: cell(0.4002, 0.1, 'samples') }),
      row('alignment', 'alignment', 'mutual-knn', { original: cell(0.3, 0, 'single'), sft: cell(0.31, 0, 'single'), dpo: cell(0.29, 0, 'single') }),
    ];
    expect(formatTable(compareTable({ encoders: {}, rows }, 'sft', ['dpo']))).toBe(
      [
        'metric                       original            SFT            DPO  DPO − SFT  verdict',
        '----------------------  -------------  -------------  -------------  ---------  -----------------',
        'linear probe acc        0.500 ± 0.020  0.610 ± 0.030  0.650 ± 0.010     +0.040  DPO higher',
        'segmentation mIoU       0.200 ± 0.010  0.300 ± 0.010  0.250 ± 0.020     −0.050  DPO lower',
        'focus score (own loss)              —  0.400 ± 0.100  0.400 ± 0.100     +0.000  inside the noise',
        'alignment                       0.300          0.310          0.290     −0.020  no noise estimate',
        '',
      ].join('\n'),
    );
  });

  it('stores DPO − SFT, calling a difference no larger than the larger std inside the noise', () => {
    const delta = (sft: MeasuredCell | null, dpo: MeasuredCell | null) => row('k', 'k', 'p', { original: null, sft, dpo }).delta;
    expect(delta(cell(0.5, 0.05), cell(0.54, 0.01))).toMatchObject({ verdict: 'inside the noise', noise: 0.05 });
    expect(delta(cell(0.5, 0.01), cell(0.44, 0.02))?.verdict).toBe('DPO lower');
    expect(delta(null, cell(0.5, 0))).toBeNull();
  });
});
