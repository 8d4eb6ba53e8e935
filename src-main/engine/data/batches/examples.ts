// The training items a stage walks: an image and the token sequences made of its record (the objectives say which
// question and answers a record gives, see objectives/), every record checked before the run's first step.
import type { Split } from '../../../../src-shared/domain/pairs';
import { buildTrainingExample, type TrainingExample } from '../../tokenizer/trainingExample';
import type { TextTokenizer } from '../../tokenizer/textTokenizer';
import { datasetError, type RecordLocation } from './records';

/** What every record a stage reads has: a key, an image and a place in its file (a pair, a caption, labels). */
export interface ImageRecord extends RecordLocation {
  key: string;
  /** Absolute image path. */
  image: string;
  split?: Split;
}

/** One training item: an image and its sequences (one; two for DPO: chosen then rejected; none for labels). */
export interface StageItem {
  key: string;
  /** Absolute image path. */
  image: string;
  /** `file:line` of the record. */
  source: string;
  sequences: TrainingExample[];
  /** A labels stage's targets: the label indices the image shows. */
  labels?: readonly number[];
}

/** Limits every sequence must respect. */
export interface SequenceLimits {
  /** Positions the image takes in the LM (the placeholder expands to this many). */
  imageTokenCount: number;
  /** The LM's context: the longest sequence, image expanded. */
  maxLength: number;
}

/** The question a record asks and the answers it trains (one sequence per answer). */
export interface RecordTexts {
  question: string;
  answers: string[];
}

/**
 * Tokenises each record's question and answers into one sequence per answer. Every problem (too long for the
 * context, a word the tokenizer cannot encode) is collected and thrown as one error naming each file and line, so
 * nothing fails mid-run.
 */
export function tokenisedItems<R extends ImageRecord>(
  records: readonly R[], textsOf: (record: R) => RecordTexts, tokenizer: TextTokenizer, limits: SequenceLimits,
): StageItem[] {
  const problems: string[] = [];
  const unknownId = tokenizer.idOf('<unk>');
  const items: StageItem[] = [];
  for (const record of records) {
    const source = `${record.file}:${record.line}`;
    try {
      const { question, answers } = textsOf(record);
      const sequences = answers.map((answer) =>
        buildTrainingExample(tokenizer, { id: record.key, question, answer }, { imageTokenCount: limits.imageTokenCount, maxLength: limits.maxLength }),
      );
      // A word-level tokenizer maps unknown words to <unk> (or, in tokenizers.js, to no id at all).
      if (sequences.some((sequence) => sequence.inputIds.some((id) => id === undefined || id === unknownId))) {
        problems.push(
          `${source}: "${question}" / "${answers.join('" / "')}" has words ${tokenizer.source} does not know; ` +
            'train with the tokenizer written for this data (a Shapes world writes its own tokenizer.json)',
        );
        continue;
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
