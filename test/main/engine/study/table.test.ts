// The plain-text comparison table `pivot study` prints, on a hand-made set of rows (intervals computed by hand), and
// the DPO − SFT difference each row of report.json stores.
import { describe, expect, it } from 'vitest';
import { formatTable, row } from '../../../../src-main/engine/study';
import type { MeasuredCell } from '../../../../src-shared/domain/study-report';
import { compareTable } from '../../../../src-shared/domain/study-table';

const cell = (values: number[], spread: MeasuredCell['spread'] = 'seeds'): MeasuredCell => {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = values.length > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)) : 0;
  return {
    mean, std, spread, values, seeds: spread === 'seeds' ? values.map((_, i) => i) : null, chance: 0.1, ceiling: 1, protocol: 'p', note: '',
    ...(spread === 'samples' ? { sampleIds: values.map((_, i) => `pair ${i}`) } : {}),
  };
};

describe('formatTable', () => {
  it('shows each difference with its 95 % interval and the verdict read off it', () => {
    const rows = [
      // Per-seed DPO − SFT 0.05, 0.04, 0.03: 0.04 ± 4.303 · 0.01 / √3 = [0.015, 0.065].
      row('linear', 'linear probe acc', 'linear-probe/mean-pooled-l2', { original: cell([0.48, 0.5, 0.52]), sft: cell([0.58, 0.61, 0.64]), dpo: cell([0.63, 0.65, 0.67]) }),
      // −0.06, −0.05, −0.04: −0.05 ± 0.025.
      row('mIoU', 'segmentation mIoU', 'patch-seg', { original: cell([0.19, 0.2, 0.21]), sft: cell([0.29, 0.3, 0.31]), dpo: cell([0.23, 0.25, 0.27]) }),
      // Per pair +0.05, −0.05, 0: resampled means of three from those, 2.5 % and 97.5 % points ∓0.05.
      row('focus', 'focus score (own loss)', 'gradcam', { original: null, sft: cell([0.3, 0.5, 0.4], 'samples'), dpo: cell([0.35, 0.45, 0.4], 'samples') }),
      row('alignment', 'alignment', 'mutual-knn', { original: cell([0.3], 'single'), sft: cell([0.31], 'single'), dpo: cell([0.29], 'single') }),
    ];
    expect(formatTable(compareTable({ encoders: {}, rows }, 'sft', ['dpo']))).toBe(
      [
        'metric                       original            SFT            DPO  DPO − SFT [95 % interval]  verdict',
        '----------------------  -------------  -------------  -------------  -------------------------  ----------------------',
        'linear probe acc        0.500 ± 0.020  0.610 ± 0.030  0.650 ± 0.020    +0.040 [+0.015, +0.065]  DPO higher',
        'segmentation mIoU       0.200 ± 0.010  0.300 ± 0.010  0.250 ± 0.020    −0.050 [−0.075, −0.025]  DPO lower',
        'focus score (own loss)              —  0.400 ± 0.100  0.400 ± 0.050    +0.000 [−0.050, +0.050]  no difference detected',
        'alignment                       0.300          0.310          0.290                     −0.020  no noise estimate',
        '',
      ].join('\n'),
    );
  });

  it('stores DPO − SFT with its interval and the verdict words', () => {
    const delta = (sft: MeasuredCell | null, dpo: MeasuredCell | null) => row('k', 'k', 'p', { original: null, sft, dpo }).delta;
    // 0.04 over three seeds that disagree (per-seed +0.14, −0.06, +0.04): an interval holding 0, however large the mean.
    expect(delta(cell([0.5, 0.55, 0.45]), cell([0.64, 0.49, 0.49]))).toMatchObject({ verdict: 'no difference detected', method: 'paired t over seeds', n: 3 });
    expect(delta(cell([0.5, 0.51, 0.52]), cell([0.44, 0.45, 0.47]))?.verdict).toBe('DPO lower');
    expect(delta(null, cell([0.5, 0.5]))).toBeNull();
  });
});
