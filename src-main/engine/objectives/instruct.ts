// Instruction tuning (the paper's stage 2): the LM learns to answer the pairs' questions with their chosen answers,
// by the same answer-token cross-entropy as the sft branch.
import { chosenAnswerItems, prepareAnswerLoss } from './sft';
import type { StageObjective } from './stage-objective';

export const instructObjective: StageObjective<'instruct'> = {
  kind: 'instruct',
  recordsName: 'pairs (pairs.jsonl)',
  readsCaptions: false,
  records: (dataset) => dataset.pairs,
  examples: (records, tokenizer, limits) => chosenAnswerItems(records, 'instruct', tokenizer, limits),
  prepare: prepareAnswerLoss,
};
