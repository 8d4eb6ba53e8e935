// A study's report.json (`pivot study` → `<out>/report.json`): one zod schema that the engine writes and the app and
// the window parse, and the DPO − SFT difference each row stores (judged as every rendering judges it, by the 95 %
// interval of src-shared/stats/difference.ts).
import { z } from 'zod';
import { difference } from '../stats/difference';
import { verdictText } from '../stats/difference-text';
import type { ReportExamplesIndex } from './study-examples';

/** A number JSON may have written as null: the engine's NaN / ±Infinity (JSON has none). */
const measuredNumber = z.number().nullable();

/** One measured number: mean ± std over seeds (or over samples), with what to read it against. */
export const metricCellSchema = z
  .object({
    mean: measuredNumber,
    std: measuredNumber,
    /** What the std is over: split / MLP seeds, Grad-CAM samples, or nothing (a single measurement). */
    spread: z.enum(['seeds', 'samples', 'single']),
    /** The per-seed (or per-sample) values the mean and std come from. */
    values: z.array(measuredNumber),
    /** The seeds behind `values`, when they are per seed. */
    seeds: z.array(z.number()).nullable(),
    /**
     * The sample (QA question, Grad-CAM pair) behind each value, when they are per sample: cells measured on the same
     * samples are compared sample by sample. Absent in reports written before intervals.
     */
    sampleIds: z.array(z.string()).nullable().optional(),
    chance: z.number().nullable(),
    ceiling: z.number().nullable(),
    protocol: z.string(),
    /** What was measured, in words (model, loss, data). */
    note: z.string().default(''),
  })
  .passthrough();
export type MetricCell = z.infer<typeof metricCellSchema>;
/** A cell as the engine measures it, before JSON turns its NaN into null. */
export type MeasuredCell = MetricCell & { mean: number; std: number; values: number[] };

const COLUMN_ORDER = ['original', 'sft', 'dpo'];
const COLUMN_TITLES: Record<string, string> = { original: 'original', sft: 'SFT', dpo: 'DPO' };

/** An encoder column as the table heads it (SFT, DPO; any other column by its own name). */
export function columnTitle(column: string): string {
  return COLUMN_TITLES[column] ?? column;
}

/**
 * A row's stored DPO − SFT difference: `value` (the mean difference), `noise` and `verdict` ("DPO higher") as readers
 * before intervals expect them, and the interval beside. `noise` is now half the interval's width (0 without one).
 */
const rowDeltaSchema = z
  .object({
    value: z.number(),
    noise: z.number(),
    verdict: z.string(),
    low: measuredNumber.optional(),
    high: measuredNumber.optional(),
    effectSize: measuredNumber.optional(),
    n: z.number().optional(),
    method: z.string().optional(),
  })
  .passthrough();
export type RowDelta = z.infer<typeof rowDeltaSchema>;

export const studyRowSchema = z
  .object({
    key: z.string(),
    label: z.string(),
    protocol: z.string(),
    /** Per encoder column (original / sft / dpo, or any other the report has). */
    cells: z.record(z.string(), metricCellSchema.nullable()),
    delta: rowDeltaSchema.nullable().optional(),
  })
  .passthrough();
export type StudyRow = z.infer<typeof studyRowSchema>;

/** The row's DPO − SFT difference as stored in report.json (the study's question); the window takes any reference. */
export function rowDelta(cells: StudyRow['cells']): RowDelta | null {
  const d = difference(cells.dpo, cells.sft);
  if (!d) return null;
  const noise = Number.isFinite(d.high - d.low) ? (d.high - d.low) / 2 : 0;
  return { value: d.mean, noise, verdict: verdictText(d, columnTitle('dpo')), low: d.low, high: d.high, effectSize: d.effectSize, n: d.n, method: d.method };
}

export const encoderSourceSchema = z
  .object({ column: z.string(), stage: z.string(), checkpoint: z.string(), encoder: z.string(), note: z.string() })
  .passthrough();
export type EncoderSource = z.infer<typeof encoderSourceSchema>;

export const stageCurveSchema = z.object({
  stage: z.string(),
  steps: z.number(),
  firstLoss: measuredNumber,
  lastLoss: measuredNumber,
  minLoss: measuredNumber,
  /** Every metric of the stage's last step (loss, learning_rate, grad_norm, DPO's rewards/…). */
  last: z.record(z.string(), measuredNumber),
  /** [step, loss], evenly thinned to at most the requested number of points (the last step always kept). */
  curve: z.array(z.tuple([z.number(), measuredNumber])),
  /** Probe-as-you-train (a branch's probeEvery): per probe metric, every [step, value] it logged. */
  probes: z.record(z.string(), z.array(z.tuple([z.number(), measuredNumber]))).optional(),
});
export type StageCurve = z.infer<typeof stageCurveSchema>;

export const trainingSummarySchema = z.object({ file: z.string(), stages: z.array(stageCurveSchema) });
export type TrainingSummary = z.infer<typeof trainingSummarySchema>;

/**
 * report.json as every reader takes it: the fields the window reads; the rest (see `studyReportAsWrittenSchema`) are
 * kept as they are, unchecked, so that a report with an odd field the window never shows still opens.
 */
export const studyReportSchema = z
  .object({
    version: z.number(),
    /** "pivot demo" on disk, the command's first name (kept so that older tools read newer reports). */
    tool: z.string(),
    date: z.string(),
    backend: z.string(),
    recipe: z.object({ name: z.string(), source: z.string().optional(), resolved: z.unknown().optional() }).passthrough(),
    seeds: z.array(z.number()),
    encoders: z.record(z.string(), encoderSourceSchema),
    /** The comparison table. */
    rows: z.array(studyRowSchema),
    /** Details of each measurement beyond the table (alignment layer pairs, probe settings, per-class numbers). */
    details: z.record(z.string(), z.unknown()).default({}),
  })
  .passthrough();

/** report.json as `pivot study` writes it: the fields every reader takes, and where and how the study ran. */
export const studyReportAsWrittenSchema = studyReportSchema.extend({
  out: z.string(),
  runDir: z.string(),
  world: z.object({ folder: z.string(), images: z.number(), testImages: z.number(), pairs: z.number() }),
  training: trainingSummarySchema,
  durationsMs: z.record(z.string(), z.number()),
  /** json / html: absolute paths; examples: the window's example index, relative to the report folder. */
  files: z.object({ json: z.string(), html: z.string(), examples: z.string().optional() }),
  notes: z.array(z.string()),
  /** Per probe: its split sizes and the smallest DPO − SFT difference it can detect (absent in older reports). */
  reliability: z
    .array(z.object({ label: z.string(), at: z.number(), testSize: z.number(), unit: z.string(), trainSize: z.number().nullable(), smallestDifference: z.number() }))
    .optional(),
});
export type StudyReportAsWritten = z.infer<typeof studyReportAsWrittenSchema>;

/** report.json; `examplesIndex` is attached by `reports:get` when the report has one (the window loads no JSON itself). */
export type StudyReport = z.infer<typeof studyReportSchema> & { examplesIndex?: ReportExamplesIndex };

/** Checks that data read from a report.json has the report's shape; throws a readable Error otherwise. */
export function parseStudyReport(data: unknown): StudyReport {
  const parsed = studyReportSchema.safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(`Not a pivot demo report: ${first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'invalid'}`);
  }
  return parsed.data;
}

/** The report's encoder columns: original, SFT, DPO first, then any other in the report's order. */
export function orderedColumns(report: Pick<StudyReport, 'encoders' | 'rows'>): string[] {
  const seen = new Set<string>(Object.keys(report.encoders));
  for (const row of report.rows) for (const c of Object.keys(row.cells)) seen.add(c);
  const known = COLUMN_ORDER.filter((c) => seen.has(c));
  return [...known, ...[...seen].filter((c) => !COLUMN_ORDER.includes(c))];
}

/** One entry of `reports:list`. */
export interface ReportSummary {
  name: string;
  date: string;
  recipe: string;
  backend: string;
  encoders: string[];
}

export function summarizeReport(name: string, report: StudyReport): ReportSummary {
  return { name, date: report.date, recipe: report.recipe.name, backend: report.backend, encoders: orderedColumns(report) };
}
