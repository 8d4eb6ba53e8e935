// QA accuracy of an MLLM on a Shapes world: each question's closed set of answers ranked by the model's log-prob
// (no generation), the top one taken as its answer. Reported with n, the binomial standard error and the chance
// level (mean 1/|candidates|), overall and per kind of question, so headroom can be read off directly.
import type { Mllm } from '../models/mllm/model';
import { ASKED_KINDS, type AskedKind } from './candidates';
import { readQaItems, type QaItem, type QaItemOptions, type QaSplit } from './qa-items';
import { scoreCandidates, type ScoreOptions } from './score';

export const QA_PROTOCOL = 'qa-accuracy/candidate-ranking';

/** The model's pick among one question's candidates. */
export interface Ranking {
  /** Index of the highest-scoring candidate. */
  answer: number;
  /** Index of the highest-scoring candidate other than the truth: the model's most likely wrong answer. */
  bestWrong: number;
}

export interface QaSample {
  id: string;
  asked: AskedKind;
  question: string;
  truth: string;
  answer: string;
  correct: boolean;
  /** Log-prob of the truth minus that of the best wrong candidate: > 0 when the answer is right, < 0 when wrong. */
  margin: number;
  candidates: number;
}

export interface QaScore {
  n: number;
  correct: number;
  accuracy: number;
  /** Binomial standard error √(p(1 − p)/n). */
  se: number;
  /** Mean over questions of 1/|candidates|: the accuracy of guessing. */
  chance: number;
}

export interface QaAccuracyResult extends QaScore {
  protocol: typeof QA_PROTOCOL;
  folder: string;
  split: QaSplit;
  perKind: Partial<Record<AskedKind, QaScore>>;
  samples: QaSample[];
}

/** Argmax and best wrong candidate; a tie goes to the earlier candidate in the fixed candidate order. */
export function rankCandidates(scores: readonly number[], truth: number): Ranking {
  if (scores.length < 2) throw new Error(`rankCandidates: need at least 2 candidate scores, got ${scores.length}`);
  let answer = 0;
  let bestWrong = truth === 0 ? 1 : 0;
  scores.forEach((s, i) => {
    if (s > (scores[answer] as number)) answer = i;
    if (i !== truth && s > (scores[bestWrong] as number)) bestWrong = i;
  });
  return { answer, bestWrong };
}

function scoreOf(samples: readonly QaSample[]): QaScore {
  const n = samples.length;
  const correct = samples.filter((s) => s.correct).length;
  const accuracy = n > 0 ? correct / n : Number.NaN;
  const se = n > 0 ? Math.sqrt((accuracy * (1 - accuracy)) / n) : Number.NaN;
  const chance = n > 0 ? samples.reduce((sum, s) => sum + 1 / s.candidates, 0) / n : Number.NaN;
  return { n, correct, accuracy, se, chance };
}

/** The accuracy report of items and their candidate scores (one array per item, candidate order). */
export function evaluateQa(items: readonly QaItem[], scores: readonly (readonly number[])[], where: { folder: string; split: QaSplit }): QaAccuracyResult {
  if (scores.length !== items.length) throw new Error(`evaluateQa: ${scores.length} score lists for ${items.length} questions`);
  const samples = items.map((item, i): QaSample => {
    const s = scores[i] as readonly number[];
    if (s.length !== item.candidates.length) throw new Error(`evaluateQa: ${item.record.key} has ${item.candidates.length} candidates but ${s.length} scores`);
    const { answer, bestWrong } = rankCandidates(s, item.truth);
    return {
      id: item.record.key, asked: item.asked, question: item.record.question,
      truth: item.candidates[item.truth] as string, answer: item.candidates[answer] as string,
      correct: answer === item.truth, margin: (s[item.truth] as number) - (s[bestWrong] as number), candidates: item.candidates.length,
    };
  });
  const perKind: Partial<Record<AskedKind, QaScore>> = {};
  for (const kind of ASKED_KINDS) {
    const of = samples.filter((s) => s.asked === kind);
    if (of.length > 0) perKind[kind] = scoreOf(of);
  }
  return { protocol: QA_PROTOCOL, folder: where.folder, split: where.split, ...scoreOf(samples), perKind, samples };
}

export type QaAccuracyOptions = QaItemOptions & ScoreOptions;

/** QA accuracy of `model` on the world folder's pairs (default: the test split). */
export async function qaAccuracy(model: Mllm, folder: string, options: QaAccuracyOptions = {}): Promise<QaAccuracyResult> {
  const { items, split, folder: root } = readQaItems(folder, options);
  const scores = await scoreCandidates(model, items, options);
  return evaluateQa(items, scores, { folder: root, split });
}
