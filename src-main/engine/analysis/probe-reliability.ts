// How small a difference a probe can see at all: the smallest true difference between two encoders' accuracies on a
// test split of n items that a two-sided test at α 0.05 detects 80 % of the time, z(0.975) + z(0.8) ≈ 2.8 binomial
// standard errors of a difference of two accuracies. A study whose differences sit far below it cannot call them.

/** z(1 − α/2) + z(power) for α 0.05 and 80 % power (Python: NormalDist().inv_cdf(0.975) + NormalDist().inv_cdf(0.8)). */
export const DETECTION_FACTOR = 2.801585218112968;

/** What a probe's number is a share of, and how many of them one test split holds. */
export interface ProbeSplit {
  /** The row's name as the report shows it. */
  label: string;
  /** The measured share (an accuracy, a recall), at which the binomial error is taken. */
  at: number;
  testSize: number;
  /** What one test item is: "images", "questions". */
  unit: string;
  /** Items the probe was fitted on, when it is fitted (null for QA). */
  trainSize: number | null;
}

export interface ProbeReliability extends ProbeSplit {
  /** DETECTION_FACTOR · √(2 · at · (1 − at) / testSize). */
  smallestDifference: number;
}

/** The smallest difference of two accuracies near `at`, each measured on `n` independent items, found 80 % of the time. */
export function smallestDetectableDifference(at: number, n: number): number {
  return DETECTION_FACTOR * Math.sqrt((2 * at * (1 - at)) / n);
}

export function probeReliability(split: ProbeSplit): ProbeReliability {
  return { ...split, smallestDifference: smallestDetectableDifference(split.at, split.testSize) };
}

/** How the reports state it under their tables. */
export const RELIABILITY_METHOD =
  'smallest detectable difference = 2.8 × √(2·p(1−p)/n): the true difference of two accuracies near p, each on one test split of n items, that a two-sided test at α 0.05 finds with 80 % power. ' +
  'For the segmentation probe n counts test images, not patches (patches of one image are not independent), so it is a rough bound. ' +
  'Both encoders are probed on the same images, so a paired comparison can resolve somewhat less; one test item weighs 1/n.';
