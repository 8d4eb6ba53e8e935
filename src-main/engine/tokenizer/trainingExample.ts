// Turns one (question, answer) record into token ids plus a mask of the answer tokens, the form the
// SFT and DPO objectives consume. The image placeholder is never truncated (TRL #5285).
import { PivotError } from '../../../src-shared/errors';
import { IMAGE_TOKEN, type TextTokenizer } from './textTokenizer';
import type { UserTurn } from './chatTemplate';

/** One single-turn question and its answer. */
export interface QaRecord {
  /** Named in error messages (e.g. the dataset record id). */
  id?: string;
  /** The user's text. May contain `<image>` once to place the image; otherwise it goes first. */
  question: string;
  answer: string;
  /** Whether the prompt carries an image placeholder. Default true. */
  hasImage?: boolean;
}

/** Options of `buildTrainingExample` and `encodePrompt`. */
export interface PromptOptions {
  /** Longest allowed sequence, counting the image as `imageTokenCount` tokens. Default: no limit. */
  maxLength?: number;
  /** How many positions the `<image>` placeholder expands to in the model (e.g. 576). Default 1. */
  imageTokenCount?: number;
  /** A system turn before the question. Default: none. */
  systemPrompt?: string;
}

/** Token ids of one record and which of them the loss is computed on. */
export interface TrainingExample {
  /** Prompt then answer ids, with one `<image>` id where the image goes. */
  inputIds: number[];
  /** Same length as inputIds: 1 on answer tokens (including the answer's end token), 0 on the prompt. */
  labelsMask: number[];
  /** Index of the `<image>` id in inputIds, −1 when the record has no image. */
  imagePosition: number;
}

/** The prompt ids of a question (for generation, and the masked head of a training example). */
export function encodePrompt(tokenizer: TextTokenizer, record: Omit<QaRecord, 'answer'>, options: PromptOptions = {}): number[] {
  const hasImage = record.hasImage ?? true;
  const placeholders = record.question.split(IMAGE_TOKEN).length - 1;
  if (placeholders > (hasImage ? 1 : 0)) {
    throw new PivotError('INVALID_DATA',
      `${recordName(record)}: the question contains "${IMAGE_TOKEN}" ${placeholders} time(s); ` +
        (hasImage ? 'use at most one (or none to put the image first)' : 'remove it or set hasImage'),
    );
  }
  const ids = tokenizer.encode(tokenizer.chatFormat.prompt(userTurn(record, options)));
  if (hasImage && !ids.includes(tokenizer.imageTokenId)) {
    throw new PivotError('INVALID_DATA', `${recordName(record)}: ${tokenizer.source} did not encode "${IMAGE_TOKEN}" as one token`);
  }
  return ids;
}

/**
 * Prompt ids (mask 0) followed by answer ids and the answer's end token (mask 1). Prompt and answer
 * are tokenized separately so that no BPE merge crosses the boundary of the mask.
 * Throws, naming the record and the limit, when the sequence (image expanded) exceeds `maxLength`:
 * truncating would either cut the image or leave an answer without its end.
 */
export function buildTrainingExample(tokenizer: TextTokenizer, record: QaRecord, options: PromptOptions = {}): TrainingExample {
  const promptIds = encodePrompt(tokenizer, record, options);
  if (record.answer.includes(IMAGE_TOKEN)) {
    throw new PivotError('INVALID_DATA', `${recordName(record)}: the answer contains "${IMAGE_TOKEN}"; only the question may`);
  }
  const around = tokenizer.chatFormat.answer(userTurn(record, options), record.answer);
  const answerIds = [...tokenizer.encode(around.prefix + around.text), ...answerEndIds(tokenizer, around.end)];

  const inputIds = [...promptIds, ...answerIds];
  const imagePosition = (record.hasImage ?? true) ? inputIds.indexOf(tokenizer.imageTokenId) : -1;
  const imageTokenCount = options.imageTokenCount ?? 1;
  const length = inputIds.length + (imagePosition >= 0 ? imageTokenCount - 1 : 0);
  if (options.maxLength !== undefined && length > options.maxLength) {
    throw new PivotError('INVALID_CONFIG',
      `${recordName(record)} needs ${length} tokens (prompt ${promptIds.length}, answer ${answerIds.length}` +
        (imagePosition >= 0 ? `, image placeholder expanded to ${imageTokenCount}` : '') +
        `) but maxLength is ${options.maxLength}. Raise maxLength or shorten the question or answer; ` +
        'image tokens are never truncated.',
      { field: 'maxLength', value: length },
    );
  }
  const labelsMask = inputIds.map((_, i) => (i < promptIds.length ? 0 : 1));
  return { inputIds, labelsMask, imagePosition };
}

function userTurn(record: Omit<QaRecord, 'answer'>, options: PromptOptions): UserTurn {
  return { question: record.question, hasImage: record.hasImage ?? true, ...(options.systemPrompt ? { systemPrompt: options.systemPrompt } : {}) };
}

/** The ids that end an answer: the template's end text (`<|im_end|>`), or the EOS token when it writes none. */
function answerEndIds(tokenizer: TextTokenizer, end: string): number[] {
  if (end !== '') return tokenizer.encode(end);
  if (tokenizer.eosTokenId === undefined) {
    throw new PivotError('INVALID_DATA', `${tokenizer.source} has no end-of-sequence token (set "eos_token" in tokenizer_config.json)`);
  }
  return [tokenizer.eosTokenId];
}

function recordName(record: { id?: string }): string {
  return record.id === undefined ? 'Record (no id)' : `Record "${record.id}"`;
}
