// The study's report: its types, the comparison rows (original / SFT / DPO with the DPO − SFT delta and whether it
// lies inside the noise), and writing report.json.
import { writeFile } from 'node:fs/promises';
import type { TrainingSummary } from './training-summary';

/** One measured number: mean ± std over seeds (or over samples), with what to read it against. */
export interface MetricCell {
  mean: number;
  std: number;
  /** What the std is over: split / MLP seeds, Grad-CAM samples, or nothing (a single measurement). */
  spread: 'seeds' | 'samples' | 'single';
  /** The per-seed (or per-sample) values the mean and std come from. */
  values: number[];
  /** The seeds behind `values`, when they are per seed. */
  seeds: number[] | null;
  chance: number | null;
  ceiling: number | null;
  protocol: string;
  /** What was measured, in words (model, loss, data). */
  note: string;
}

export type Column = 'original' | 'sft' | 'dpo';
export const COLUMNS: readonly Column[] = ['original', 'sft', 'dpo'];
export const COLUMN_TITLES: Record<Column, string> = { original: 'original', sft: 'SFT', dpo: 'DPO' };

export interface Delta {
  /** DPO mean − SFT mean. */
  value: number;
  /** The larger of the two stds (0 for single measurements). */
  noise: number;
  verdict: 'inside the noise' | 'DPO higher' | 'DPO lower' | 'no noise estimate';
}

export interface ComparisonRow {
  key: string;
  label: string;
  protocol: string;
  cells: Record<Column, MetricCell | null>;
  delta: Delta | null;
}

/**
 * DPO − SFT: "inside the noise" when |Δ| ≤ the larger std of the two; for single measurements (no spread) there is
 * no noise estimate and the verdict says so instead of claiming a direction.
 */
export function deltaOf(sft: MetricCell | null, dpo: MetricCell | null): Delta | null {
  if (!sft || !dpo || !Number.isFinite(sft.mean) || !Number.isFinite(dpo.mean)) return null;
  const value = dpo.mean - sft.mean;
  const noise = Math.max(sft.std, dpo.std);
  if (sft.spread === 'single' && dpo.spread === 'single') return { value, noise: 0, verdict: 'no noise estimate' };
  const verdict = Math.abs(value) <= noise ? 'inside the noise' : value > 0 ? 'DPO higher' : 'DPO lower';
  return { value, noise, verdict };
}

export function row(key: string, label: string, protocol: string, cells: Record<Column, MetricCell | null>): ComparisonRow {
  return { key, label, protocol, cells, delta: deltaOf(cells.sft, cells.dpo) };
}

export interface EncoderSource {
  column: Column;
  stage: string;
  checkpoint: string;
  encoder: string;
  note: string;
}

export interface DemoReport {
  version: 1;
  tool: 'pivot demo';
  date: string;
  backend: string;
  out: string;
  runDir: string;
  recipe: { name: string; source: string; resolved: unknown };
  world: { folder: string; images: number; testImages: number; pairs: number };
  seeds: number[];
  encoders: Record<Column, EncoderSource>;
  /** The comparison table. */
  rows: ComparisonRow[];
  /** Details of each measurement beyond the table (alignment layer pairs, probe settings, per-class numbers). */
  details: Record<string, unknown>;
  training: TrainingSummary;
  durationsMs: Record<string, number>;
  /** json / html: absolute paths; examples: the window's example index, relative to the report folder (optional). */
  files: { json: string; html: string; examples?: string };
  notes: string[];
}

/** The short form `pivot demo --json` prints: the table and where everything is. */
export function reportSummary(report: DemoReport): Record<string, unknown> {
  return {
    date: report.date,
    backend: report.backend,
    recipe: report.recipe.name,
    seeds: report.seeds,
    out: report.out,
    runDir: report.runDir,
    files: report.files,
    encoders: report.encoders,
    rows: report.rows.map((r) => ({
      key: r.key, label: r.label, protocol: r.protocol,
      ...Object.fromEntries(COLUMNS.map((c) => [c, r.cells[c] ? { mean: r.cells[c].mean, std: r.cells[c].std, chance: r.cells[c].chance, ceiling: r.cells[c].ceiling } : null])),
      delta: r.delta,
    })),
    durationsMs: report.durationsMs,
  };
}

/** JSON with non-finite numbers as null (JSON has no NaN). */
export function reportJsonText(report: DemoReport): string {
  return `${JSON.stringify(report, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}

export async function writeReportJson(path: string, report: DemoReport): Promise<void> {
  await writeFile(path, reportJsonText(report));
}
