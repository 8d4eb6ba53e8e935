// The token sequences each kind of stage trains on: captions answer a fixed prompt, instruction tuning and SFT
// answer the question with the chosen answer, DPO keeps chosen and rejected side by side.
import { CAPTION_PROMPT } from '../shapes/tokenizer';
import { buildTrainingExample, type TrainingExample } from '../../tokenizer/trainingExample';
import type { TextTokenizer } from '../../tokenizer/textTokenizer';
import { datasetError, type CaptionRecord, type DatasetRecords, type PairRecord } from './records';

/** What a stage learns from. */
export const STAGE_KINDS = ['caption', 'instruct', 'sft', 'dpo'] as const;
export type StageKind = (typeof STAGE_KINDS)[number];

/** One training item: an image and its sequences (one; two for DPO: chosen then rejected). */
export interface StageItem {
  key: string;
  /** Absolute image path. */
  image: string;
  /** `file:line` of the record. */
  source: string;
  sequences: TrainingExample[];
}

/** Limits every sequence must respect. */
export interface SequenceLimits {
  /** Positions the image takes in the LM (the placeholder expands to this many). */
  imageTokenCount: number;
  /** The LM's context: the longest sequence, image expanded. */
  maxLength: number;
}

/** The records a stage of this kind reads: captions for `caption`, pairs otherwise. */
export function recordsFor(kind: StageKind, dataset: DatasetRecords): (PairRecord | CaptionRecord)[] {
  return kind === 'caption' ? dataset.captions : dataset.pairs;
}

/**
 * Tokenises the records for a stage. Every problem (too long for the context, a word the tokenizer cannot
 * encode) is collected and thrown as one error naming each file and line, so nothing fails mid-run.
 */
export function stageItems(kind: StageKind, records: readonly (PairRecord | CaptionRecord)[], tokenizer: TextTokenizer, limits: SequenceLimits): StageItem[] {
  const problems: string[] = [];
  const unknownId = tokenizer.idOf('<unk>');
  const items: StageItem[] = [];
  for (const record of records) {
    const source = `${record.file}:${record.line}`;
    const answers = 'caption' in record ? [record.caption] : kind === 'dpo' ? [record.chosen, record.rejected] : [record.chosen];
    const question = 'caption' in record ? CAPTION_PROMPT : record.question;
    try {
      const sequences = answers.map((answer) =>
        buildTrainingExample(tokenizer, { id: record.key, question, answer }, { imageTokenCount: limits.imageTokenCount, maxLength: limits.maxLength }),
      );
      for (const sequence of sequences) {
        // A word-level tokenizer maps unknown words to <unk> (or, in tokenizers.js, to no id at all).
        if (sequence.inputIds.some((id) => id === undefined || id === unknownId)) {
          throw new Error(
            `"${question}" / "${answers.join('" / "')}" has words ${tokenizer.source} does not know; ` +
              'train with the tokenizer written for this data (a Shapes world writes its own tokenizer.json)',
          );
        }
      }
      items.push({ key: record.key, image: record.image, source, sequences });
    } catch (err) {
      problems.push(`${source}: ${(err as Error).message}`);
    }
  }
  if (problems.length > 0) {
    throw datasetError(problems, `These records cannot be trained on as they are (context ${limits.maxLength} positions, image ${limits.imageTokenCount}); fix or remove them.`);
  }
  return items;
}
