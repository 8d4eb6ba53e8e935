// Evaluating the MLLM itself: its question-answering accuracy on a Shapes world, and preference pairs built from
// the answers it actually gives.
export { answerCandidates, ASKED_KINDS, type AskedKind, type AnswerCandidates } from './candidates';
export { readQaItems, worldMaxCount, QA_SPLITS, type QaItem, type QaItems, type QaItemOptions, type QaSplit } from './qa-items';
export { scoreCandidates, type ScoreOptions } from './score';
export { qaAccuracy, evaluateQa, rankCandidates, QA_PROTOCOL, type QaAccuracyResult, type QaAccuracyOptions, type QaSample, type QaScore, type Ranking } from './qa-accuracy';
export { writeModelRejections, modelRejection, MODEL_ANSWER_REASON, type ModelRejection, type ModelRejectionsOptions, type ModelRejectionsSummary } from './model-rejections';
export { openMllm } from './open-mllm';
