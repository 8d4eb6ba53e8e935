// Training objectives: per-sequence log-probs, SFT cross-entropy and the DPO sigmoid loss.
export { tokenLogProbs, sequenceLogProbs, shiftForNextToken, type NextTokenTargets } from './logProbs';
export { sftLoss } from './sft';
export { dpoLoss, type PreferenceLogProbs, type DpoOutput } from './dpo';
