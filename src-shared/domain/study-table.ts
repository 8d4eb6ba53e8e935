// The comparison table of a study report: the one model that the CLI's text table, report.html, the Compare tab and
// its CSV / Markdown export all render from — the encoder columns in order, a reference column, and per row its
// cells, chance / ceiling, protocols and each compared column's difference from the reference: its 95 % interval and
// the verdict read off it (src-shared/stats/difference.ts).
import { difference, type Difference } from '../stats/difference';
import { orderedColumns, type MetricCell, type StudyReport } from './study-report';

export interface CompareRow {
  key: string;
  label: string;
  /** The row's protocol, and every distinct protocol of its cells when they differ (e.g. focus under each loss). */
  protocol: string;
  cellProtocols: string[];
  chance: number | null;
  ceiling: number | null;
  cells: Record<string, MetricCell | null>;
  /** Per compared column: its difference from the reference (null where either is missing). */
  deltas: Record<string, Difference | null>;
}

export interface CompareTable {
  columns: string[];
  reference: string;
  /** The columns that get a Δ against the reference, in column order. */
  compared: string[];
  rows: CompareRow[];
}

/**
 * The table against `reference` (SFT when the report has it and none is given, else the first column). Every other
 * column is compared unless `compared` names some (the CLI and report.html show the study's question, DPO − SFT).
 */
export function compareTable(report: Pick<StudyReport, 'encoders' | 'rows'>, reference?: string, compared?: readonly string[]): CompareTable {
  const columns = orderedColumns(report);
  const ref = reference && columns.includes(reference) ? reference : (columns.includes('sft') ? 'sft' : (columns[0] ?? ''));
  const others = columns.filter((c) => c !== ref && (compared === undefined || compared.includes(c)));
  const rows = report.rows.map((row): CompareRow => {
    const cells: Record<string, MetricCell | null> = {};
    for (const c of columns) cells[c] = row.cells[c] ?? null;
    const present = columns.map((c) => cells[c]).filter((c): c is MetricCell => c !== null);
    const protocols = [...new Set(present.map((c) => c.protocol))];
    const deltas: Record<string, Difference | null> = {};
    for (const c of others) deltas[c] = difference(cells[c], cells[ref]);
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
  return { columns, reference: ref, compared: others, rows };
}
