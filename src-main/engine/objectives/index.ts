// Training objectives, one file per kind of stage (examples, preparation, loss, metrics), listed here by kind;
// and the maths they share: per-sequence log-probs, SFT cross-entropy, the DPO sigmoid loss, the labels' BCE.
import { captionObjective } from './caption';
import { dpoObjective } from './dpo';
import { instructObjective } from './instruct';
import type { StageKind } from './kinds';
import { labelsObjective } from './labels';
import { sftObjective } from './sft';
import type { StageObjective } from './stage-objective';

export const OBJECTIVES: { readonly [K in StageKind]: StageObjective<K> } = {
  labels: labelsObjective,
  caption: captionObjective,
  instruct: instructObjective,
  sft: sftObjective,
  dpo: dpoObjective,
};

/** The objective of a stage of `kind`. */
export function objectiveOf(kind: StageKind): StageObjective {
  return OBJECTIVES[kind];
}

export { STAGE_KINDS, type StageKind } from './kinds';
export type { ObjectiveContext, PreparedObjective, StageObjective } from './stage-objective';
export { tokenLogProbs, sequenceLogProbs, sequenceLogpsOf, shiftForNextToken, type NextTokenTargets } from './logProbs';
export { sftLoss, sftLossOf } from './sft';
export { dpoLoss, dpoLossOf, dpoMetrics, type PreferenceLogProbs, type DpoOutput, type PairOutcome } from './dpo';
export { multiHotTargets, multiLabelBce, labelLossOf } from './labels';
export { CAPTION_PROMPT } from './caption';
