// The study's reports (`pivot demo` → `<workspace>/reports/<name>/report.json`) as the window reads them: the
// report's shape (structurally the demo's DemoReport, with any set of encoder columns), a report name that cannot
// leave the reports folder, and the comparison table built from a report against a chosen reference column —
// deltas, the "inside the noise" verdict, the per-class breakdown, and the table as CSV and Markdown.
import { z } from 'zod';

/** A report's folder name: one path segment, never `..`, no separators. */
export const reportNameSchema = z
  .string()
  .min(1)
  .max(200)
  .refine((s) => !/[/\\\0]/.test(s) && !s.includes('..') && s !== '.', { message: 'A report name is one folder name: no "/", "\\" or "..".' });

export function isReportName(name: string): boolean {
  return reportNameSchema.safeParse(name).success;
}

/** One measured number (the demo's MetricCell). */
export interface ReportCell {
  mean: number | null;
  std: number | null;
  spread: 'seeds' | 'samples' | 'single';
  values: Array<number | null>;
  seeds: number[] | null;
  chance: number | null;
  ceiling: number | null;
  protocol: string;
  note: string;
}

export interface ReportRow {
  key: string;
  label: string;
  protocol: string;
  /** Per encoder column (original / sft / dpo, or any other the report has). */
  cells: Record<string, ReportCell | null>;
  delta?: unknown;
}

export interface ReportEncoder {
  column: string;
  stage: string;
  checkpoint: string;
  encoder: string;
  note: string;
}

/** report.json as `pivot demo` writes it (fields the window does not read are kept as they are). */
export interface StudyReport {
  version: number;
  tool: string;
  date: string;
  backend: string;
  recipe: { name: string; source?: string; resolved?: unknown };
  seeds: number[];
  encoders: Record<string, ReportEncoder>;
  rows: ReportRow[];
  details: Record<string, unknown>;
  notes?: string[];
  /** examples/examples.json, attached by `reports:get` when the report has one (the window loads no JSON itself). */
  examplesIndex?: ReportExamplesIndex;
  [field: string]: unknown;
}

/** One entry of `reports:list`. */
export interface ReportSummary {
  name: string;
  date: string;
  recipe: string;
  backend: string;
  encoders: string[];
}

const cellSchema = z
  .object({
    mean: z.number().nullable(),
    std: z.number().nullable(),
    spread: z.enum(['seeds', 'samples', 'single']),
    values: z.array(z.number().nullable()),
    seeds: z.array(z.number()).nullable(),
    chance: z.number().nullable(),
    ceiling: z.number().nullable(),
    protocol: z.string(),
    note: z.string().default(''),
  })
  .passthrough();

const reportSchema = z
  .object({
    version: z.number(),
    tool: z.string(),
    date: z.string(),
    backend: z.string(),
    recipe: z.object({ name: z.string() }).passthrough(),
    seeds: z.array(z.number()),
    encoders: z.record(z.string(), z.object({ column: z.string(), stage: z.string(), checkpoint: z.string(), encoder: z.string(), note: z.string() }).passthrough()),
    rows: z.array(
      z.object({ key: z.string(), label: z.string(), protocol: z.string(), cells: z.record(z.string(), cellSchema.nullable()) }).passthrough(),
    ),
    details: z.record(z.string(), z.unknown()).default({}),
  })
  .passthrough();

/** Checks that data read from a report.json has the report's shape; throws a readable Error otherwise. */
export function parseStudyReport(data: unknown): StudyReport {
  const parsed = reportSchema.safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(`Not a pivot demo report: ${first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'invalid'}`);
  }
  return parsed.data as StudyReport;
}

export function summarizeReport(name: string, report: StudyReport): ReportSummary {
  return { name, date: report.date, recipe: report.recipe.name, backend: report.backend, encoders: orderedColumns(report) };
}

// ---- the comparison table ----

const KNOWN_ORDER = ['original', 'sft', 'dpo'];
const TITLES: Record<string, string> = { original: 'original', sft: 'SFT', dpo: 'DPO' };

export function columnTitle(column: string): string {
  return TITLES[column] ?? column;
}

/** The report's encoder columns: original, SFT, DPO first, then any other in the report's order. */
export function orderedColumns(report: Pick<StudyReport, 'encoders' | 'rows'>): string[] {
  const seen = new Set<string>(Object.keys(report.encoders));
  for (const row of report.rows) for (const c of Object.keys(row.cells)) seen.add(c);
  const known = KNOWN_ORDER.filter((c) => seen.has(c));
  return [...known, ...[...seen].filter((c) => !KNOWN_ORDER.includes(c))];
}

export type CompareVerdict = 'inside the noise' | 'higher' | 'lower' | 'no noise estimate';

export interface CompareDelta {
  /** This column's mean − the reference column's mean. */
  value: number;
  /** The larger of the two stds (0 when both are single measurements). */
  noise: number;
  verdict: CompareVerdict;
}

/** `cell − reference`: "inside the noise" when |Δ| ≤ the larger std; no direction claimed for two single measurements. */
export function compareCells(cell: ReportCell | null | undefined, reference: ReportCell | null | undefined): CompareDelta | null {
  if (!cell || !reference) return null;
  const a = cell.mean;
  const b = reference.mean;
  if (a === null || b === null || !Number.isFinite(a) || !Number.isFinite(b)) return null;
  const value = a - b;
  if (cell.spread === 'single' && reference.spread === 'single') return { value, noise: 0, verdict: 'no noise estimate' };
  const noise = Math.max(cell.std ?? 0, reference.std ?? 0);
  const verdict: CompareVerdict = Math.abs(value) <= noise ? 'inside the noise' : value > 0 ? 'higher' : 'lower';
  return { value, noise, verdict };
}

export interface CompareRow {
  key: string;
  label: string;
  /** The row's protocol, and every distinct protocol of its cells when they differ (e.g. focus under each loss). */
  protocol: string;
  cellProtocols: string[];
  chance: number | null;
  ceiling: number | null;
  cells: Record<string, ReportCell | null>;
  /** Per non-reference column: Δ against the reference (null where either is missing). */
  deltas: Record<string, CompareDelta | null>;
}

export interface CompareTable {
  columns: string[];
  reference: string;
  rows: CompareRow[];
}

export function compareTable(report: Pick<StudyReport, 'encoders' | 'rows'>, reference?: string): CompareTable {
  const columns = orderedColumns(report);
  const ref = reference && columns.includes(reference) ? reference : (columns.includes('sft') ? 'sft' : (columns[0] ?? ''));
  const rows = report.rows.map((row): CompareRow => {
    const cells: Record<string, ReportCell | null> = {};
    for (const c of columns) cells[c] = row.cells[c] ?? null;
    const present = columns.map((c) => cells[c]).filter((c): c is ReportCell => c !== null);
    const protocols = [...new Set(present.map((c) => c.protocol))];
    const deltas: Record<string, CompareDelta | null> = {};
    for (const c of columns) if (c !== ref) deltas[c] = compareCells(cells[c], cells[ref]);
    return {
      key: row.key,
      label: row.label,
      protocol: row.protocol,
      cellProtocols: protocols.length > 1 || (protocols[0] !== undefined && protocols[0] !== row.protocol) ? protocols : [],
      chance: present.find((c) => c.chance !== null)?.chance ?? null,
      ceiling: present.find((c) => c.ceiling !== null)?.ceiling ?? null,
      cells,
      deltas,
    };
  });
  return { columns, reference: ref, rows };
}

// ---- per-class breakdown ----

export interface PerClassBreakdown {
  /** What the per-class number is (accuracy, recall, IoU). */
  measure: string;
  classes: string[];
  /** Per column, one value per class (null where that column has none). */
  values: Record<string, Array<number | null>>;
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function numberAt(value: unknown, ...path: string[]): number | null {
  let v: unknown = value;
  for (const p of path) v = record(v)?.[p];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

const BREAKDOWNS: Record<string, { detail: string; measure: string; read: (entry: unknown) => number | null }> = {
  linear: { detail: 'linear', measure: 'accuracy', read: (e) => numberAt(e, 'accuracy') },
  linearProjector: { detail: 'linearProjector', measure: 'accuracy', read: (e) => numberAt(e, 'accuracy') },
  segRecall: { detail: 'segmentation', measure: 'recall', read: (e) => numberAt(e, 'recall', 'mean') ?? numberAt(e, 'recall') },
  mIoU: { detail: 'segmentation', measure: 'IoU', read: (e) => numberAt(e, 'iou', 'mean') ?? numberAt(e, 'iou') },
};

/** The per-class results behind a row (`details[column][measurement].result.perClass`), when the report has them. */
export function perClassBreakdown(report: Pick<StudyReport, 'details'>, rowKey: string, columns: string[]): PerClassBreakdown | null {
  const spec = BREAKDOWNS[rowKey];
  if (!spec) return null;
  const classes: string[] = [];
  const byColumn = new Map<string, Map<string, number | null>>();
  for (const column of columns) {
    const perClass = record(record(record(report.details[column])?.[spec.detail])?.result)?.perClass;
    if (!Array.isArray(perClass)) continue;
    const values = new Map<string, number | null>();
    for (const entry of perClass) {
      const name = record(entry)?.name;
      if (typeof name !== 'string') continue;
      if (!classes.includes(name)) classes.push(name);
      values.set(name, spec.read(entry));
    }
    byColumn.set(column, values);
  }
  if (classes.length === 0) return null;
  const values: Record<string, Array<number | null>> = {};
  for (const column of columns) values[column] = classes.map((n) => byColumn.get(column)?.get(n) ?? null);
  return { measure: spec.measure, classes, values };
}

// ---- formatting and export ----

/** A number as the table shows it: 3 decimals, tiny non-zero values in exponent form. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (value !== 0 && Math.abs(value) < 0.001) return value.toExponential(1);
  return value.toFixed(3);
}

export function formatSigned(value: number): string {
  const text = formatNumber(value);
  return value > 0 ? `+${text}` : text;
}

export function formatCell(cell: ReportCell | null): string {
  if (!cell || cell.mean === null) return '—';
  return cell.spread === 'single' ? formatNumber(cell.mean) : `${formatNumber(cell.mean)} ± ${formatNumber(cell.std)}`;
}

/** The tooltip of a cell: its values per seed (or per sample) and what was measured. */
export function cellTooltip(cell: ReportCell | null): string {
  if (!cell) return '';
  const lines: string[] = [];
  if (cell.spread === 'seeds') cell.values.forEach((v, i) => lines.push(`seed ${cell.seeds?.[i] ?? i}: ${formatNumber(v)}`));
  else if (cell.spread === 'samples') lines.push(`${cell.values.length} samples: ${cell.values.map(formatNumber).join(', ')}`);
  else lines.push('single measurement (no spread)');
  lines.push(`protocol: ${cell.protocol}`);
  if (cell.note) lines.push(cell.note);
  return lines.join('\n');
}

export function verdictText(delta: CompareDelta | null): string {
  return delta ? delta.verdict : '';
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function raw(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '' : String(value);
}

/**
 * The table as CSV (full precision): metric, protocol, chance, ceiling, then mean and std per column, then Δ and
 * verdict of every other column against the reference. Lines end with \n.
 */
export function tableCsv(table: CompareTable): string {
  const others = table.columns.filter((c) => c !== table.reference);
  const refTitle = columnTitle(table.reference);
  const header = [
    'metric', 'protocol', 'chance', 'ceiling',
    ...table.columns.flatMap((c) => [`${columnTitle(c)} mean`, `${columnTitle(c)} std`]),
    ...others.flatMap((c) => [`${columnTitle(c)} - ${refTitle}`, `${columnTitle(c)} verdict`]),
  ];
  const lines = [header.map(csvField).join(',')];
  for (const row of table.rows) {
    const fields = [
      row.label,
      [row.protocol, ...row.cellProtocols.filter((p) => p !== row.protocol)].join('; '),
      raw(row.chance),
      raw(row.ceiling),
      ...table.columns.flatMap((c) => [raw(row.cells[c]?.mean), raw(row.cells[c]?.std)]),
      ...others.flatMap((c) => [raw(row.deltas[c]?.value), row.deltas[c]?.verdict ?? '']),
    ];
    lines.push(fields.map(csvField).join(','));
  }
  return `${lines.join('\n')}\n`;
}

function mdField(value: string): string {
  return value.replace(/\|/g, '\\|');
}

/** The table as Markdown, as shown: mean ± std per column (the reference marked), Δ with its verdict per other column. */
export function tableMarkdown(table: CompareTable): string {
  const others = table.columns.filter((c) => c !== table.reference);
  const refTitle = columnTitle(table.reference);
  const header = [
    'metric', 'protocol', 'chance', 'ceiling',
    ...table.columns.map((c) => (c === table.reference ? `${columnTitle(c)} (reference)` : columnTitle(c))),
    ...others.map((c) => `Δ ${columnTitle(c)} − ${refTitle}`),
  ];
  const lines = [`| ${header.map(mdField).join(' | ')} |`, `|${header.map(() => ' --- ').join('|')}|`];
  for (const row of table.rows) {
    const fields = [
      row.label,
      [row.protocol, ...row.cellProtocols.filter((p) => p !== row.protocol)].join('; '),
      formatNumber(row.chance),
      formatNumber(row.ceiling),
      ...table.columns.map((c) => formatCell(row.cells[c] ?? null)),
      ...others.map((c) => {
        const d = row.deltas[c];
        return d ? `${formatSigned(d.value)} (${d.verdict})` : '—';
      }),
    ];
    lines.push(`| ${fields.map(mdField).join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}

// ---- the report's example pictures (`examples/examples.json`, written by `pivot demo`) ----

/** A file of a report the window may load: only `examples/<plain name>.png|json`, never a path of its own. */
export const REPORT_FILE_PATTERN = /^examples\/[A-Za-z0-9_.-]+\.(png|json)$/;

export function isReportFile(file: string): boolean {
  return REPORT_FILE_PATTERN.test(file) && !file.slice('examples/'.length).startsWith('.');
}

/**
 * One Grad-CAM sample: its image, target mask, and per model (sft, dpo, original…) the map's PNG and focus score of
 * the study's variant (gradient at the projector output); `layerMaps` / `layerFocus` the same for standard Grad-CAM
 * on an encoder layer (reports written before it have none).
 */
export interface GradcamExample {
  id: string;
  question: string;
  image: string;
  mask: string;
  maps: Record<string, string>;
  focus: Record<string, number | null>;
  layerMaps?: Record<string, string>;
  layerFocus?: Record<string, number | null>;
}

/** How the standard Grad-CAM maps of a report were made: the encoder hidden state explained and the protocol. */
export interface GradcamLayerInfo {
  /** Index into the encoder's hidden states (0 = embeddings, k = after block k). */
  layer: number;
  protocol: string;
}

/** One segmentation test image: image, truth and per encoder the predicted class-id PNG (grey, pixel = class id). */
export interface SegmentationExample {
  id: string;
  image: string;
  truth: string;
  predictions: Record<string, string>;
  recall: Record<string, number | null>;
  iou: Record<string, number | null>;
}

export interface ExampleClass {
  id: number;
  name: string;
  rgb: [number, number, number];
}

/** `examples/examples.json`; every path is relative to the report folder. */
export interface ReportExamplesIndex {
  gradcam: GradcamExample[];
  segmentation: SegmentationExample[];
  classes: ExampleClass[];
  /** Present when the Grad-CAM examples also have standard Grad-CAM maps. */
  gradcamLayer?: GradcamLayerInfo;
}

/** The report's examples.json path when it has one (older reports have none). */
export function reportExamplesFile(report: StudyReport | null | undefined): string | null {
  const files = report?.files as { examples?: unknown } | undefined;
  const file = files && typeof files === 'object' ? files.examples : undefined;
  return typeof file === 'string' && isReportFile(file) ? file : null;
}

/** Report files under `pivot serve`: `/reports/<name>/<examples/…>?token=…`. */
export const REPORT_ROUTE = '/reports/';

/** The route's path for a report file (name and file URL-encoded; the file keeps its one "/"). */
export function reportFilePathname(name: string, file: string): string {
  return `${encodeURIComponent(name)}/${file.split('/').map(encodeURIComponent).join('/')}`;
}

/** `<name>/<file>` back from a route's path; null when it is not one name and a file. */
export function parseReportFilePathname(path: string): { name: string; file: string } | null {
  const slash = path.indexOf('/');
  if (slash <= 0) return null;
  try {
    const name = decodeURIComponent(path.slice(0, slash));
    const file = path.slice(slash + 1).split('/').map(decodeURIComponent).join('/');
    return { name, file };
  } catch {
    return null;
  }
}

/** An examples.json as read from disk: its lists kept when they have the expected shape, paths checked. */
export function parseExamplesIndex(data: unknown): ReportExamplesIndex | null {
  if (typeof data !== 'object' || data === null) return null;
  const d = data as Record<string, unknown>;
  const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null) : []);
  const file = (v: unknown): v is string => typeof v === 'string' && isReportFile(v);
  const files = (v: unknown): Record<string, string> =>
    Object.fromEntries(Object.entries(typeof v === 'object' && v !== null ? v : {}).filter((e): e is [string, string] => file(e[1])));
  const scores = (v: unknown): Record<string, number | null> =>
    Object.fromEntries(Object.entries(typeof v === 'object' && v !== null ? v : {}).map(([k, x]) => [k, typeof x === 'number' && Number.isFinite(x) ? x : null]));
  const gradcam = list(d.gradcam)
    .filter((g) => file(g.image) && file(g.mask))
    .map((g): GradcamExample => ({
      id: String(g.id), question: String(g.question ?? ''), image: g.image as string, mask: g.mask as string, maps: files(g.maps), focus: scores(g.focus),
      ...(g.layerMaps !== undefined ? { layerMaps: files(g.layerMaps), layerFocus: scores(g.layerFocus) } : {}),
    }));
  const segmentation = list(d.segmentation)
    .filter((s) => file(s.image) && file(s.truth))
    .map((s) => ({ id: String(s.id), image: s.image as string, truth: s.truth as string, predictions: files(s.predictions), recall: scores(s.recall), iou: scores(s.iou) }));
  const classes = list(d.classes)
    .filter((c) => typeof c.id === 'number' && Array.isArray(c.rgb) && c.rgb.length === 3)
    .map((c) => ({ id: c.id as number, name: String(c.name ?? c.id), rgb: (c.rgb as unknown[]).map((x) => Number(x) || 0) as [number, number, number] }));
  const layer = typeof d.gradcamLayer === 'object' && d.gradcamLayer !== null ? (d.gradcamLayer as Record<string, unknown>) : null;
  const gradcamLayer = layer && Number.isInteger(layer.layer) ? { layer: layer.layer as number, protocol: String(layer.protocol ?? 'gradcam-focus/layer') } : null;
  return { gradcam, segmentation, classes, ...(gradcamLayer ? { gradcamLayer } : {}) };
}
