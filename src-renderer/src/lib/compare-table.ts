// The Compare tab's text of the comparison table: numbers, cells, differences and their tooltips as shown, and the
// table as CSV (full precision) and Markdown (as shown) for export.
import { columnTitle, type MetricCell } from '../../../src-shared/domain/study-report';
import type { CompareTable } from '../../../src-shared/domain/study-table';
import type { Difference } from '../../../src-shared/stats/difference';
import { differenceText, intervalText, verdictText } from '../../../src-shared/stats/difference-text';

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

export function formatCell(cell: MetricCell | null): string {
  if (!cell || cell.mean === null) return '—';
  return cell.spread === 'single' ? formatNumber(cell.mean) : `${formatNumber(cell.mean)} ± ${formatNumber(cell.std)}`;
}

/** The tooltip of a cell: its values per seed (or per sample) and what was measured. */
export function cellTooltip(cell: MetricCell | null): string {
  if (!cell) return '';
  const lines: string[] = [];
  if (cell.spread === 'seeds') cell.values.forEach((v, i) => lines.push(`seed ${cell.seeds?.[i] ?? i}: ${formatNumber(v)}`));
  else if (cell.spread === 'samples') lines.push(`${cell.values.length} samples: ${cell.values.map(formatNumber).join(', ')}`);
  else lines.push('single measurement (no spread)');
  lines.push(`protocol: ${cell.protocol}`);
  if (cell.note) lines.push(cell.note);
  return lines.join('\n');
}

/** A difference cell's text: "Δ +0.012 [−0.004, +0.028]" (the mean alone where there is no interval). */
export function formatDifference(d: Difference): string {
  return `Δ ${intervalText(d)}`;
}

/** Its CSS class, by verdict alone: a colour for a direction only where the interval excludes 0. */
export function differenceClass(d: Difference | null): string {
  if (!d) return '';
  if (d.verdict === 'higher') return 'delta--higher';
  if (d.verdict === 'lower') return 'delta--lower';
  return d.verdict === 'no difference detected' ? 'delta--none' : 'delta--unknown';
}

/** Its tooltip: the difference with its interval, effect size and how the interval was made. */
export function differenceTooltip(d: Difference | null, column: string, reference: string): string {
  if (!d) return '';
  return `${columnTitle(column)} − ${columnTitle(reference)} = ${differenceText(d)}; ${verdictText(d, columnTitle(column))}`;
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function raw(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '' : String(value);
}

/**
 * The table as CSV (full precision): metric, protocol, chance, ceiling, then mean and std per column, then per
 * compared column its difference from the reference, the 95 % interval, effect size, method and verdict. Lines end
 * with \n.
 */
export function tableCsv(table: CompareTable): string {
  const refTitle = columnTitle(table.reference);
  const header = [
    'metric', 'protocol', 'chance', 'ceiling',
    ...table.columns.flatMap((c) => [`${columnTitle(c)} mean`, `${columnTitle(c)} std`]),
    ...table.compared.flatMap((c) => {
      const d = `${columnTitle(c)} - ${refTitle}`;
      return [d, `${d} low`, `${d} high`, `${d} effect size`, `${d} method`, `${columnTitle(c)} verdict`];
    }),
  ];
  const lines = [header.map(csvField).join(',')];
  for (const row of table.rows) {
    const fields = [
      row.label,
      [row.protocol, ...row.cellProtocols.filter((p) => p !== row.protocol)].join('; '),
      raw(row.chance),
      raw(row.ceiling),
      ...table.columns.flatMap((c) => [raw(row.cells[c]?.mean), raw(row.cells[c]?.std)]),
      ...table.compared.flatMap((c) => {
        const d = row.deltas[c];
        return d ? [raw(d.mean), raw(d.low), raw(d.high), raw(d.effectSize), d.method, verdictText(d, columnTitle(c))] : ['', '', '', '', '', ''];
      }),
    ];
    lines.push(fields.map(csvField).join(','));
  }
  return `${lines.join('\n')}\n`;
}

function mdField(value: string): string {
  return value.replace(/\|/g, '\\|');
}

/** The table as Markdown, as shown: mean ± std per column (the reference marked), Δ with its interval and verdict per compared column. */
export function tableMarkdown(table: CompareTable): string {
  const refTitle = columnTitle(table.reference);
  const header = [
    'metric', 'protocol', 'chance', 'ceiling',
    ...table.columns.map((c) => (c === table.reference ? `${columnTitle(c)} (reference)` : columnTitle(c))),
    ...table.compared.map((c) => `Δ ${columnTitle(c)} − ${refTitle} [95 % interval]`),
  ];
  const lines = [`| ${header.map(mdField).join(' | ')} |`, `|${header.map(() => ' --- ').join('|')}|`];
  for (const row of table.rows) {
    const fields = [
      row.label,
      [row.protocol, ...row.cellProtocols.filter((p) => p !== row.protocol)].join('; '),
      formatNumber(row.chance),
      formatNumber(row.ceiling),
      ...table.columns.map((c) => formatCell(row.cells[c] ?? null)),
      ...table.compared.map((c) => {
        const d = row.deltas[c];
        return d ? `${intervalText(d)} (${verdictText(d, columnTitle(c))})` : '—';
      }),
    ];
    lines.push(`| ${fields.map(mdField).join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}
