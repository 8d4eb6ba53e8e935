// Scores every candidate answer of each question by its summed answer-token log-prob given image and question:
// the sequences, chat template, image splicing and log-probs of training (buildTrainingExample, Mllm.forward,
// sequenceLogpsOf), so a candidate's score is exactly the log-prob DPO would read for it as an answer.
import { PivotError } from '../../../src-shared/errors';
import * as tf from '../backend/tf';
import { decodeImage } from '../data/batches/images';
import type { Mllm } from '../models/mllm/model';
import type { SequenceRow } from '../models/mllm/splice';
import { buildTrainingExample } from '../tokenizer/trainingExample';
import { sequenceLogpsOf } from '../objectives/logProbs';
import type { QaItem } from './qa-items';

export interface ScoreOptions {
  /** Candidate rows per forward pass (whole questions are never split across passes). Default 64. */
  rowsPerBatch?: number;
  onProgress?: (done: number, total: number) => void;
}

/** The question items' candidate scores, one array per item in candidate order. */
export async function scoreCandidates(model: Mllm, items: readonly Pick<QaItem, 'record' | 'candidates'>[], options: ScoreOptions = {}): Promise<number[][]> {
  const budget = options.rowsPerBatch ?? 64;
  const limits = { imageTokenCount: model.imageTokenCount, maxLength: model.lm.config.max_position_embeddings };
  const unknownId = model.tokenizer.idOf('<unk>');
  const prep = model.config.imageProcessor;
  const side = model.config.imageSize;
  const plane = 3 * side * side;
  const scores: number[][] = [];
  for (let start = 0; start < items.length; ) {
    let end = start;
    let rowCount = 0;
    do rowCount += (items[end++] as QaItem).candidates.length;
    while (end < items.length && rowCount + (items[end] as QaItem).candidates.length <= budget);
    const batch = items.slice(start, end);

    const imageIndex = new Map<string, number>();
    for (const item of batch) if (!imageIndex.has(item.record.image)) imageIndex.set(item.record.image, imageIndex.size);
    const pixels = new Float32Array(imageIndex.size * plane);
    for (const [path, i] of imageIndex) pixels.set(await decodeImage(path, prep), i * plane);
    const rows: SequenceRow[] = batch.flatMap((item) =>
      item.candidates.map((answer) => {
        const example = buildTrainingExample(model.tokenizer, { id: item.record.key, question: item.record.question, answer }, limits);
        // An unknown word scores as <unk>, which would rank candidates by nothing the model knows.
        if (example.inputIds.some((id) => id === undefined || id === unknownId)) {
          throw new PivotError('CHECKPOINT_INCOMPATIBLE', `${item.record.file}:${item.record.line}: "${item.record.question}" / "${answer}" has words ${model.tokenizer.source} does not know; evaluate with the checkpoint trained on this world`);
        }
        return { ...example, imageIndex: imageIndex.get(item.record.image) as number };
      }));

    const pixelTensor = tf.tensor4d(pixels, [imageIndex.size, 3, side, side]);
    let logps: Float32Array;
    try {
      const out = sequenceLogpsOf(model, { pixels: pixelTensor, rows });
      logps = (await out.data()) as Float32Array;
      out.dispose();
    } finally {
      pixelTensor.dispose();
    }
    let at = 0;
    for (const item of batch) {
      scores.push(Array.from(logps.subarray(at, at + item.candidates.length)));
      at += item.candidates.length;
    }
    start = end;
    options.onProgress?.(start, items.length);
  }
  return scores;
}
