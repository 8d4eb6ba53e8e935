// report.html's Findings: per metric DPO − SFT with a 95 % interval (paired over the probe seeds both encoders
// share), the verdict read off the interval, and the probes' smallest detectable differences. Known per-seed values
// (interval from scipy.stats.t) → exact text.
import { describe, expect, it } from 'vitest';
import type { MeasuredCell } from '../../../../src-shared/domain/study-report';
import { probeReliability } from '../../../../src-main/engine/analysis/probe-reliability';
import { escapeHtml } from '../../../../src-main/engine/study/report-html';
import { findingLine, findingsHtml, studyFindings } from '../../../../src-main/engine/study/report-findings';
import { row } from '../../../../src-main/engine/study/report-json';

const perSeed = (values: number[]): MeasuredCell => ({
  mean: values.reduce((a, b) => a + b, 0) / values.length, std: 0, spread: values.length > 1 ? 'seeds' : 'single', values,
  seeds: values.length > 1 ? values.map((_, i) => i) : null, chance: null, ceiling: null, protocol: 'p', note: '',
});

const rows = [
  row('linear', 'linear probe acc', 'p', { original: null, sft: perSeed([0.2, 0.22, 0.21, 0.19, 0.23]), dpo: perSeed([0.23, 0.26, 0.26, 0.21, 0.29]) }),
  row('segRecall', 'segmentation macro recall', 'p', { original: null, sft: perSeed([0.2, 0.22, 0.2, 0.21, 0.2]), dpo: perSeed([0.21, 0.25, 0.19, 0.24, 0.23]) }),
  row('alignment', 'alignment', 'p', { original: null, sft: perSeed([0.31]), dpo: perSeed([0.29]) }),
  row('qa', 'QA accuracy (MLLM)', 'p', { original: null, sft: null, dpo: perSeed([0.4]) }),
];

describe('study findings', () => {
  it('states each measured metric with its interval; a direction only where the interval excludes 0', () => {
    expect(studyFindings(rows).map(findingLine)).toEqual([
      'linear probe acc: DPO higher, DPO − SFT +0.040 [+0.020, +0.060], d_z 2.53 (paired t over seeds, n 5)',
      'segmentation macro recall: no difference detected, DPO − SFT +0.018 [−0.004, +0.040], d_z 1.01 (paired t over seeds, n 5)',
      'alignment: no noise estimate, DPO − SFT −0.020 (single measurements: no interval)',
    ]);
  });

  it('heads the section with what was found, and tabulates what each probe can see', () => {
    const html = findingsHtml(rows, [probeReliability({ label: 'linear probe acc', at: 0.2, testSize: 200, unit: 'images', trainSize: 600 })], escapeHtml);
    expect(html).toContain('<p><b>DPO\'s encoder is better than SFT\'s on: linear probe acc.</b></p>');
    expect(html).toContain('<tr><td>linear probe acc</td><td>600</td><td>200 images (one = 0.005)</td><td>0.200</td><td>0.112</td></tr>');
    const none = findingsHtml(rows.slice(1), [], escapeHtml);
    expect(none).toContain('<p><b>No metric found where DPO\'s encoder is better than SFT\'s.</b></p>');
  });
});
