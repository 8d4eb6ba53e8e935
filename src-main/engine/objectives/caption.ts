// Projector alignment (the paper's stage 1): each image's caption, as the answer to one fixed prompt, learnt by
// answer-token cross-entropy.
import { tokenisedItems, type CaptionRecord } from '../data/batches';
import { prepareAnswerLoss } from './sft';
import type { StageObjective } from './stage-objective';

/** The question every caption answers (LLaVA's alignment stage asks for a brief description). */
export const CAPTION_PROMPT = 'Describe the image briefly.';

export const captionObjective: StageObjective<'caption'> = {
  kind: 'caption',
  recordsName: 'captions (captions.jsonl)',
  readsCaptions: true,
  records: (dataset) => dataset.captions,
  missingRecordsHint: (dataset) =>
    dataset.captions.length === 0
      ? ' Caption stages need captions.jsonl ({"image", "caption"} per line), as a Shapes world has; or use a recipe without them.'
      : undefined,
  examples: (records, tokenizer, limits) => {
    for (const r of records) if (!('caption' in r)) throw new Error(`caption stage: a record that is not a caption (${r.file}:${r.line})`);
    return tokenisedItems(records as CaptionRecord[], (r) => ({ question: CAPTION_PROMPT, answers: [r.caption] }), tokenizer, limits);
  },
  prepare: prepareAnswerLoss,
};
