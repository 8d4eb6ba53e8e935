// The table's QA-accuracy row: how often the base, SFT and DPO MLLMs answer the world's held-out questions right,
// the headroom that post-training had (TOY_STUDY.md: an effect shows only when the base model is often wrong).
import { openMllm } from '../eval/open-mllm';
import { qaAccuracy, QA_PROTOCOL, type QaAccuracyResult } from '../eval/qa-accuracy';
import { readQaItems } from '../eval/qa-items';
import { columnTitle, type MeasuredCell } from '../../../src-shared/domain/study-report';
import { COLUMNS, row, type Column, type ComparisonRow } from './report-json';

export type QaByColumn = Record<Column, QaAccuracyResult>;

/** The world's held-out split: `test`, or every pair when the world holds none out. */
export function heldOutSplit(world: string): 'test' | 'all' {
  return readQaItems(world, { split: 'all' }).items.some((i) => i.record.split === 'test') ? 'test' : 'all';
}

/** Each column's checkpoint on the world's test split (every pair when the world has none held out). */
export async function measureQa(checkpoints: Record<Column, string>, world: string): Promise<QaByColumn> {
  const split = heldOutSplit(world);
  const out = {} as QaByColumn;
  for (const column of COLUMNS) {
    const model = await openMllm(checkpoints[column]);
    try {
      out[column] = await qaAccuracy(model, world, { split });
    } finally {
      model.dispose();
    }
  }
  return out;
}

function qaCell(r: QaAccuracyResult, column: Column): MeasuredCell {
  return {
    // The questions are the same for every column: named, so that DPO − SFT is taken question by question.
    mean: r.accuracy, std: r.se, spread: 'samples', values: r.samples.map((s) => (s.correct ? 1 : 0)), seeds: null, sampleIds: r.samples.map((s) => s.id),
    chance: r.chance, ceiling: 1, protocol: QA_PROTOCOL,
    note: `${column === 'original' ? 'base' : columnTitle(column)} MLLM on ${r.n} pairs of the ${r.split} split, every possible answer ranked by log-prob; ` +
      'std = binomial standard error √(p(1−p)/n) over the questions, not a spread over seeds; chance = mean 1/|candidates|',
  };
}

export function qaRow(qa: QaByColumn): ComparisonRow {
  return row('qa', 'QA accuracy (MLLM)', QA_PROTOCOL, { original: qaCell(qa.original, 'original'), sft: qaCell(qa.sft, 'sft'), dpo: qaCell(qa.dpo, 'dpo') });
}

/** Per kind of question, for report.json's details (the per-sample answers stay out of the report). */
export function qaDetails(qa: QaByColumn): Record<Column, Omit<QaAccuracyResult, 'samples'>> {
  const strip = ({ samples: _samples, ...rest }: QaAccuracyResult) => rest;
  return { original: strip(qa.original), sft: strip(qa.sft), dpo: strip(qa.dpo) };
}
