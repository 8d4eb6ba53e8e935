// report.html's comparison table and its caption: DPO − SFT with the 95 % interval, the method in the cell's tooltip,
// and the verdict read off the interval (no "within the larger std" rule any more). Intervals worked by hand in
// table.test.ts: the same per-seed values.
import { describe, expect, it } from 'vitest';
import { reportHtml, row, type WrittenStudyReport } from '../../../../src-main/engine/study';
import type { MeasuredCell } from '../../../../src-shared/domain/study-report';

const cell = (values: number[], spread: MeasuredCell['spread'] = 'seeds'): MeasuredCell => ({
  mean: values.reduce((a, b) => a + b, 0) / values.length, std: 0.01, spread, values, seeds: spread === 'seeds' ? values.map((_, i) => i) : null,
  chance: 0.1, ceiling: 1, protocol: 'p', note: '',
});

const encoder = (column: string) => ({ column, stage: column, checkpoint: `/c/${column}`, encoder: `/c/${column}/encoder`, note: `${column} encoder` });

const report = {
  version: 1, tool: 'pivot demo', date: '2026-12-03T00:00:00.000Z', backend: 'cpu', recipe: { name: 'shapes-quick' }, seeds: [0, 1, 2], details: {},
  out: '/o', runDir: '/o/run', world: { folder: '/o/run/data', images: 40, testImages: 8, pairs: 120 }, training: { file: 'metrics.jsonl', stages: [] },
  durationsMs: { total: 1000 }, files: { json: '/o/report.json', html: '/o/report.html' }, notes: [], reliability: [],
  encoders: { original: encoder('original'), sft: encoder('sft'), dpo: encoder('dpo') },
  rows: [
    row('linear', 'linear probe acc', 'p', { original: cell([0.48, 0.5, 0.52]), sft: cell([0.58, 0.61, 0.64]), dpo: cell([0.63, 0.65, 0.67]) }),
    row('alignment', 'alignment', 'p', { original: cell([0.3], 'single'), sft: cell([0.31], 'single'), dpo: cell([0.29], 'single') }),
  ],
} as unknown as WrittenStudyReport;

describe('report.html comparison', () => {
  it('shows DPO − SFT with its interval, the method as the tooltip, and the verdict read off the interval', () => {
    const html = reportHtml(report, { gradcam: [], segmentation: [] });
    expect(html).toContain('<th>DPO − SFT [95 % interval]</th><th>verdict</th>');
    expect(html).toContain('<td title="paired t over seeds, n 3">+0.040 [+0.015, +0.065]</td><td class="v">DPO higher</td>');
    expect(html).toContain('<td title="single measurements, n 1">−0.020</td><td class="v">no noise estimate</td>');
    expect(html).toContain('Verdict: "DPO higher" or "DPO lower" only when the interval excludes 0, else "no difference detected"');
    expect(html).not.toMatch(/larger std/);
  });
});
