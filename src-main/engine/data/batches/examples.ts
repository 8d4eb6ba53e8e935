// The token sequences each kind of stage trains on: captions answer a fixed prompt, instruction tuning and SFT
// answer the question with the chosen answer, DPO keeps chosen and rejected side by side; a labels stage has no
// sequence, only the colour-shape classes its image shows.
import { CAPTION_PROMPT } from '../shapes/tokenizer';
import { buildTrainingExample, type TrainingExample } from '../../tokenizer/trainingExample';
import type { TextTokenizer } from '../../tokenizer/textTokenizer';
import { readLabelRecords, type LabelRecord } from './labels';
import { datasetError, type CaptionRecord, type DatasetRecords, type PairRecord } from './records';

/** What a stage learns from; `labels` pretrains the encoder alone on which classes an image shows. */
export const STAGE_KINDS = ['labels', 'caption', 'instruct', 'sft', 'dpo'] as const;
export type StageKind = (typeof STAGE_KINDS)[number];

/** A record any stage reads: a pair, a caption, or an image's labels. */
export type StageRecord = PairRecord | CaptionRecord | LabelRecord;

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

/** The records a stage reads: the images' labels for `labels`, captions for `caption`, pairs otherwise. */
export function recordsFor(stage: { name: string; kind: StageKind }, dataset: DatasetRecords): StageRecord[] {
  if (stage.kind === 'labels') return readLabelRecords(dataset.folder, stage.name);
  return stage.kind === 'caption' ? dataset.captions : dataset.pairs;
}

/**
 * Tokenises the records for a stage. Every problem (too long for the context, a word the tokenizer cannot
 * encode) is collected and thrown as one error naming each file and line, so nothing fails mid-run.
 */
export function stageItems(kind: StageKind, records: readonly StageRecord[], tokenizer: TextTokenizer, limits: SequenceLimits): StageItem[] {
  if (kind === 'labels') {
    return records.map((r) => {
      if (!('labels' in r)) throw new Error(`stageItems: a labels stage was given a record without labels (${r.file}:${r.line})`);
      return { key: r.key, image: r.image, source: `${r.file}:${r.line}`, sequences: [], labels: r.labels };
    });
  }
  const problems: string[] = [];
  const unknownId = tokenizer.idOf('<unk>');
  const items: StageItem[] = [];
  for (const record of records) {
    if ('labels' in record) throw new Error(`stageItems: a ${kind} stage was given label records (${record.file}:${record.line})`);
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
