// `sweep.json`: everything a sweep measured — each point with its per-seed values, each setting as mean ± std over
// branch seeds, the base encoder, the best-DPO-vs-best-SFT verdict per metric, and the findings with their intervals.
import type { ProbeReliability } from '../analysis/probe-reliability';
import type { Sweep } from '../train';
import type { Measured, Measurements } from './measure';
import type { PointResult } from './point-result';
import type { BaseChange } from './base-changes';
import type { SweepFinding } from './report-findings';
import type { SettingSummary, Verdict } from './summary';

export interface SweepReport {
  version: 1;
  tool: 'pivot sweep';
  date: string;
  backend: string;
  out: string;
  runDir: string;
  recipe: { name: string; source: string };
  grid: Sweep;
  /** Split seeds of the linear probe, MLP seeds of the segmentation probe. */
  probeSeeds: number[];
  /** Grad-CAM pairs per model, when `--focus` asked for it. */
  focusSamples: number | null;
  /** The encoder every branch starts from: the last shared stage's. */
  base: { stage: string; checkpoint: string; metrics: Measurements; focus?: { sftLoss: Measured; dpoLoss: Measured } };
  /** Every point, in grid order. */
  points: PointResult[];
  settings: SettingSummary[];
  verdicts: Verdict[];
  /** Every DPO setting against every SFT setting of its length, per metric, paired by branch seed. */
  findings: SweepFinding[];
  /** Every setting against the base encoder, per metric: whether a branch improved the encoder or only harmed it less. */
  fromBase: BaseChange[];
  /** Each probe's split sizes and smallest detectable difference (measured with its sizes: base.json from now on). */
  reliability: ProbeReliability[];
  durationsMs: { total: number; shared: number; perPoint: { train: number; measure: number } };
  files: { json: string; markdown: string; recipes: string };
  notes: string[];
}
