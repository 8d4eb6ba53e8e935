// report.html's probe-as-you-train curves: one SVG per branch and probe metric, captioned with its steps and range.
import { describe, expect, it } from 'vitest';
import { lossCurveSvg, probeCurvesHtml } from '../../../../src-main/engine/study/report-html';

const stage = (name: string, probes?: Record<string, [number, number][]>) => ({
  stage: name, steps: 4, firstLoss: 0.7, lastLoss: 0.4, minLoss: 0.4, last: {}, curve: [[1, 0.7], [4, 0.4]] as [number, number][], ...(probes ? { probes } : {}),
});

describe('probeCurvesHtml', () => {
  it('draws each branch\'s probe metrics beside each other', () => {
    const html = probeCurvesHtml([stage('align'), stage('sft', { 'probe/linear_accuracy': [[2, 0.25], [4, 0.5]] }), stage('dpo', { 'probe/linear_accuracy': [[2, 0.3], [4, 0.2]] })]);
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).toContain('aria-label="sft probe/linear_accuracy"');
    expect(html).toContain('>sft: step 2–4, probe/linear_accuracy 0.250 → 0.500</text>');
    expect(html).toContain('>dpo: step 2–4, probe/linear_accuracy 0.300 → 0.200</text>');
  });

  it('says how to get them when no branch logged any, and keeps the loss curves as they were', () => {
    expect(probeCurvesHtml([stage('sft')])).toBe('<p class="small">No branch was trained with <code>probeEvery</code>: set it on the branches of the recipe to see the probes every N steps.</p>');
    expect(lossCurveSvg(stage('sft'))).toContain('>sft: step 1–4, loss 0.700 → 0.400</text>');
  });
});
