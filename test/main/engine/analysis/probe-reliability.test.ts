// The smallest difference a probe can detect, against values computed with Python's statistics.NormalDist.
import { describe, expect, it } from 'vitest';
import { DETECTION_FACTOR, probeReliability, smallestDetectableDifference } from '../../../../src-main/engine/analysis/probe-reliability';

describe('smallestDetectableDifference', () => {
  it('is z(0.975) + z(0.8) binomial standard errors of a difference', () => {
    expect(DETECTION_FACTOR).toBeCloseTo(1.959963984540054 + 0.8416212335729143, 12);
    expect(smallestDetectableDifference(0.2, 200)).toBeCloseTo(0.11206340872451871, 12);
    expect(smallestDetectableDifference(0.5, 40)).toBeCloseTo(0.31322674962295854, 12);
  });

  it('keeps the split beside the number', () => {
    expect(probeReliability({ label: 'QA accuracy (MLLM)', at: 0.354, testSize: 96, unit: 'questions', trainSize: null })).toEqual({
      label: 'QA accuracy (MLLM)', at: 0.354, testSize: 96, unit: 'questions', trainSize: null, smallestDifference: expect.closeTo(0.19337534815578908, 12),
    });
  });
});
