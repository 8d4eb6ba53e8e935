// Training objectives: per-sequence log-probs, SFT cross-entropy, the DPO sigmoid loss and the labels stage's BCE.
export { tokenLogProbs, sequenceLogProbs, shiftForNextToken, type NextTokenTargets } from './logProbs';
export { sftLoss } from './sft';
export { dpoLoss, type PreferenceLogProbs, type DpoOutput } from './dpo';
export { multiHotTargets, multiLabelBce } from './labels';
