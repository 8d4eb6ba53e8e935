// A dpo branch with `rejections: model` (TOY_STUDY.md: "rejected answers the model actually gives"). Before the
// run's first step its pairs are sorted into Shapes questions with a closed answer set and the rest, and every
// candidate answer is tokenised, so an unknown word still stops the run before any long work. When the branch
// starts, the base checkpoint ranks each question's candidates and the model's most likely wrong answer becomes
// the rejected one; the branch's pairs are written to <runDir>/model-rejections/<branch>/ (pairs.jsonl, in the
// dataset's own TRL form, with copies of their images — the importer takes no image outside a dataset's folder — and
// summary.json) for the user to inspect, import or curate, and read back from there — on resume too, so they are
// scored once per run.
import { constants, existsSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, extname, isAbsolute, join, relative } from 'node:path';
import { PivotError } from '../../../src-shared/errors';
import { PAIRS_FILE, readDataset, type DatasetRecords, type PairRecord, type SequenceLimits, type StageItem } from '../data/batches';
import { writeFileAtomic } from '../io/atomic-write';
import type { Mllm } from '../models/mllm/model';
import { OBJECTIVES } from '../objectives';
import { stageRecords, type StageSelection } from '../objectives/stage-records';
import type { AskedKind } from './candidates';
import { modelRejection, rewrittenRow, type ModelRejection } from './model-rejections';
import { pairRows, questionItem, worldMaxCount, type QaItem } from './qa-items';
import { scoreCandidates } from './score';

export const MODEL_REJECTIONS_DIR = 'model-rejections';
export const REJECTIONS_SUMMARY_FILE = 'summary.json';

/** What of the recipe decides the branch's pairs: its data settings, and the file that named them (for errors). */
export interface BranchData {
  source: string;
  includeTestSplit: boolean;
  maxLength?: number;
}

/** What the branch will rank, settled before the run's first step. */
export interface BranchRejections<S extends StageSelection = StageSelection> {
  stage: S;
  /** <runDir>/model-rejections/<branch>. */
  dir: string;
  /** The branch's pairs, in the order it trains on them. */
  records: PairRecord[];
  /** Per record, its pairs.jsonl line as written. */
  rows: Record<string, unknown>[];
  /** Per record, where its image is copied: the dataset's layout under `dir` (`images/000001.png`). */
  copies: string[];
  /** Per record: its closed-set question, or null when it has none (it keeps its scripted rejection). */
  questions: (QaItem | null)[];
  tokenizer: Mllm['tokenizer'];
  limits: SequenceLimits;
}

export interface RejectionsSummary {
  branch: string;
  /** The checkpoint that answered (relative to the run folder), or null: the freshly initialised model. */
  base: string | null;
  pairs: number;
  /** Pairs with a closed answer set, ranked by the model. */
  scored: number;
  /** Of those, the ones the model answered wrong (its answer is now their rejected one). */
  wrong: number;
  /** Pairs without a closed answer set: their rejected answer is the dataset's. */
  scripted: number;
  wrongByKind: Partial<Record<AskedKind, { scored: number; wrong: number }>>;
  scoringSeconds: number;
}

/** The model in hand when it is the base (else null), and how to open the base when it is not. */
export interface BaseModel {
  model: Mllm | null;
  /** The base checkpoint, relative to the run folder; null for a freshly initialised model. */
  checkpoint: string | null;
  open: () => Promise<Mllm>;
}

/** Sorts the branch's pairs and tokenises every candidate; throws when none of them has a closed answer set. */
export function planBranchRejections<S extends StageSelection>(stage: S, dataset: DatasetRecords, model: Mllm, data: BranchData, runDir: string): BranchRejections<S> {
  const records = stageRecords(stage, dataset, data.includeTestSplit) as PairRecord[];
  const lines = pairRows(join(dataset.folder, PAIRS_FILE));
  const rows = records.map((record) => lines.get(record.line) as Record<string, unknown>);
  const maxCount = worldMaxCount(dataset.folder);
  const questions = records.map((record, i) => {
    try {
      return questionItem(record, rows[i] as Record<string, unknown>, maxCount);
    } catch {
      return null;
    }
  });
  const closed = questions.filter((q): q is QaItem => q !== null);
  if (closed.length === 0) {
    throw new PivotError(
      'INVALID_REQUEST',
      `${data.source}: "branches.dpo.rejections" is model, but none of the ${records.length} pairs stage "${stage.name}" trains on in ${dataset.folder} ` +
        'is a Shapes-world question with a closed answer set (a "kind" field and the world\'s question forms) for the model to rank. ' +
        'Use rejections: scripted, or a Shapes world (pivot data shapes).',
    );
  }
  const limits = { imageTokenCount: model.imageTokenCount, maxLength: data.maxLength ?? model.lm.config.max_position_embeddings };
  // Any candidate may become a rejected answer, so each is checked now as the scripted ones were.
  OBJECTIVES.sft.examples(closed.flatMap((q) => q.candidates.map((answer) => ({ ...q.record, chosen: answer }))), model.tokenizer, limits);
  const dir = join(runDir, MODEL_REJECTIONS_DIR, stage.name);
  const copies = records.map((record, i) => {
    const inDataset = relative(dataset.folder, record.image);
    return join(dir, inDataset.startsWith('..') || isAbsolute(inDataset) ? join('images', `outside-${i}${extname(record.image)}`) : inDataset);
  });
  return { stage, dir, records, rows, copies, questions, tokenizer: model.tokenizer, limits };
}

/** The branch's items with the model's rejected answers: scored and written now, or read back from an earlier start. */
export async function modelRejectedItems(plan: BranchRejections, base: BaseModel, info: (message: string) => void): Promise<StageItem[]> {
  const pairsPath = join(plan.dir, PAIRS_FILE);
  if (existsSync(pairsPath)) {
    info(`Branch ${plan.stage.name}: reusing the base model's rejected answers in ${pairsPath} (not scored again).`);
  } else {
    const summary = await writeRejections(plan, base);
    const right = summary.scored - summary.wrong;
    info(
      `Branch ${plan.stage.name}: the base model (${summary.base ?? 'freshly initialised'}) answered ${summary.wrong} of ${summary.scored} closed-set questions wrong ` +
        `(scored in ${summary.scoringSeconds.toFixed(1)} s): its answer is their rejected one, and the other ${right} reject its most likely wrong answer. ` +
        `${summary.scripted} pair${summary.scripted === 1 ? '' : 's'} without a closed answer set keep${summary.scripted === 1 ? 's' : ''} the scripted rejection. Pairs: ${pairsPath}.`,
    );
  }
  return readRejections(plan, pairsPath);
}

async function writeRejections(plan: BranchRejections, base: BaseModel): Promise<RejectionsSummary> {
  const closed = plan.questions.filter((q): q is QaItem => q !== null);
  const started = performance.now();
  const model = base.model ?? (await base.open());
  let scores: number[][];
  try {
    scores = await scoreCandidates(model, closed);
  } finally {
    if (model !== base.model) model.dispose();
  }
  const scoringSeconds = (performance.now() - started) / 1000;
  const rejections = new Map<QaItem, ModelRejection>(closed.map((q, i) => [q, modelRejection(q, scores[i] as number[])]));

  const wrongByKind: RejectionsSummary['wrongByKind'] = {};
  for (const [q, r] of rejections) {
    const counts = (wrongByKind[q.asked] ??= { scored: 0, wrong: 0 });
    counts.scored++;
    if (r.wrong) counts.wrong++;
  }
  const wrong = [...rejections.values()].filter((r) => r.wrong).length;
  const summary: RejectionsSummary = {
    branch: plan.stage.name, base: base.checkpoint, pairs: plan.records.length, scored: closed.length, wrong,
    scripted: plan.records.length - closed.length, wrongByKind, scoringSeconds,
  };
  const lines = plan.records.map((record, i) => {
    const q = plan.questions[i];
    const { image: _single, ...row } = q ? rewrittenRow(q, rejections.get(q) as ModelRejection) : (plan.rows[i] as Record<string, unknown>);
    // The id keeps each pair's key (DPO's reference cache is keyed by it).
    return `${JSON.stringify({ ...row, id: record.key, images: [relative(plan.dir, plan.copies[i] as string)] })}\n`;
  });
  for (const [i, copy] of plan.copies.entries()) {
    if (existsSync(copy)) continue;
    await mkdir(dirname(copy), { recursive: true });
    await copyFile((plan.records[i] as PairRecord).image, copy, constants.COPYFILE_FICLONE);
  }
  await writeFileAtomic(join(plan.dir, REJECTIONS_SUMMARY_FILE), `${JSON.stringify(summary, null, 2)}\n`);
  // Written last: its presence is what tells a resumed run the scoring is done.
  await writeFileAtomic(join(plan.dir, PAIRS_FILE), lines.join(''));
  return summary;
}

/**
 * The written pairs as the branch's items, checked to be the pairs it trains on (their rejected answers may be
 * curated). Their images are the dataset's, already decoded, of which the folder holds copies.
 */
function readRejections(plan: BranchRejections, pairsPath: string): StageItem[] {
  const written = readDataset(plan.dir).pairs;
  const mismatch = plan.records.findIndex((r, i) => {
    const w = written[i];
    return !w || w.key !== r.key || w.question !== r.question || w.chosen !== r.chosen || w.image !== plan.copies[i];
  });
  if (mismatch >= 0 || written.length !== plan.records.length) {
    const at = mismatch >= 0 ? mismatch : plan.records.length;
    throw new PivotError(
      'INVALID_REQUEST',
      `${pairsPath} holds other pairs than stage "${plan.stage.name}" trains on (${written.length} pairs for ${plan.records.length}; first difference at pair ${at + 1}, ` +
        `id ${plan.records[at]?.key ?? written[at]?.key}). Its rejected answers may be edited, but not its pairs; delete ${plan.dir} to have the base model score them again.`,
    );
  }
  return OBJECTIVES.dpo.examples(written.map((w, i) => ({ ...w, image: (plan.records[i] as PairRecord).image })), plan.tokenizer, plan.limits);
}
