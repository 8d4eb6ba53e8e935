// The training items a stage walks: an image and the token sequences made of its record (the objectives say which
// question and answers a record gives, see objectives/), every record checked before the run's first step.
import { PivotError } from '../../../../src-shared/errors';
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

/** Why a record cannot be trained on: too long for the context (by `tokensOver`), words the tokenizer lacks, or other. */
export type RecordProblemReason = 'too-long' | 'unknown-words' | 'invalid';

/** One record that cannot be trained on, as `tokenisedItems` reports it in its error's details. */
export interface UntrainableRecord {
  key: string;
  /** `file:line` of the record. */
  source: string;
  reason: RecordProblemReason;
  /** What is wrong, in words (without the location). */
  message: string;
  /** For `too-long`: how many positions the longest sequence is over the context. */
  tokensOver?: number;
}

/** The sequences of one record, or why it has none: the one check every record of every stage goes through. */
export function tokeniseRecord<R extends ImageRecord>(
  record: R, textsOf: (record: R) => RecordTexts, tokenizer: TextTokenizer, limits: SequenceLimits,
): { item: StageItem } | { problem: UntrainableRecord } {
  const source = `${record.file}:${record.line}`;
  const problem = (reason: RecordProblemReason, message: string, tokensOver?: number) => ({
    problem: { key: record.key, source, reason, message, ...(tokensOver !== undefined ? { tokensOver } : {}) },
  });
  try {
    const { question, answers } = textsOf(record);
    const sequences = answers.map((answer) =>
      buildTrainingExample(tokenizer, { id: record.key, question, answer }, { imageTokenCount: limits.imageTokenCount, maxLength: limits.maxLength }),
    );
    // A word-level tokenizer maps unknown words to <unk> (or, in tokenizers.js, to no id at all).
    const unknownId = tokenizer.idOf('<unk>');
    if (sequences.some((sequence) => sequence.inputIds.some((id) => id === undefined || id === unknownId))) {
      return problem(
        'unknown-words',
        `"${question}" / "${answers.join('" / "')}" has words ${tokenizer.source} does not know; ` +
          'train with the tokenizer written for this data (a Shapes world writes its own tokenizer.json)',
      );
    }
    return { item: { key: record.key, image: record.image, source, sequences } };
  } catch (err) {
    // buildTrainingExample names the length a sequence needs as the value of the maxLength it exceeds.
    const needed = err instanceof PivotError && err.code === 'INVALID_CONFIG' ? (err as PivotError<'INVALID_CONFIG'>).details : undefined;
    if (needed?.field === 'maxLength' && typeof needed.value === 'number') return problem('too-long', (err as Error).message, needed.value - limits.maxLength);
    return problem('invalid', (err as Error).message);
  }
}

/**
 * Tokenises each record's question and answers into one sequence per answer. Every problem (too long for the
 * context, a word the tokenizer cannot encode) is collected and thrown as one error naming each file and line (its
 * details list them as `records`), so nothing fails mid-run.
 */
export function tokenisedItems<R extends ImageRecord>(
  records: readonly R[], textsOf: (record: R) => RecordTexts, tokenizer: TextTokenizer, limits: SequenceLimits,
): StageItem[] {
  const problems: UntrainableRecord[] = [];
  const items: StageItem[] = [];
  for (const record of records) {
    const checked = tokeniseRecord(record, textsOf, tokenizer, limits);
    if ('item' in checked) items.push(checked.item);
    else problems.push(checked.problem);
  }
  if (problems.length > 0) {
    throw datasetError(
      problems.map((p) => `${p.source}: ${p.message}`),
      `These records cannot be trained on as they are (context ${limits.maxLength} positions, image ${limits.imageTokenCount}); fix or remove them.`,
      { records: problems },
    );
  }
  return items;
}
