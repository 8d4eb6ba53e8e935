// Sweeps (`pivot sweep`): a recipe's grid of branch settings × seeds from one base checkpoint, each encoder measured,
// and the table of where (if anywhere) DPO's encoder beats SFT's.
export { runSweep, type SweepOptions, type SweepProgress } from './run-sweep';
export { sweepPoints, lengthWords, type SweepLength, type SweepPoint, type SweepSetting } from './grid';
export { pointRecipe } from './point-recipe';
export { sweepMarkdown } from './markdown';
export { METRIC_LABELS, SWEEP_METRICS, type Measured, type Measurements, type SweepMetric } from './measure';
export { summariseSettings, verdicts, type SettingSummary, type Verdict } from './summary';
export { findingsMarkdown, sweepFindings, sweepReliability, type SweepFinding } from './report-findings';
export type { PointResult } from './point-result';
export type { TrainingOutcome } from './result-files';
export type { SweepReport } from './report';
