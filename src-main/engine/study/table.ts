// The comparison table as plain text: aligned columns, what `pivot demo` prints last.
import { COLUMNS, COLUMN_TITLES, type ComparisonRow, type MetricCell } from './report-json';

export function formatNumber(x: number, digits = 3): string {
  return Number.isFinite(x) ? x.toFixed(digits) : 'n/a';
}

export function formatCell(cell: MetricCell | null): string {
  if (!cell) return '—';
  return cell.spread === 'single' ? formatNumber(cell.mean) : `${formatNumber(cell.mean)} ± ${formatNumber(cell.std)}`;
}

export function formatDelta(row: ComparisonRow): string {
  if (!row.delta) return '—';
  const text = formatNumber(Math.abs(row.delta.value));
  // The sign of what is shown: a difference that rounds to zero is +0.000, never −0.000.
  return `${row.delta.value < 0 && Number(text) !== 0 ? '−' : '+'}${text}`;
}

/** The header and one line per row: metric (left-aligned), the three columns and Δ (right-aligned), verdict. */
export function formatTable(rows: readonly ComparisonRow[]): string {
  const header = ['metric', ...COLUMNS.map((c) => COLUMN_TITLES[c]), 'DPO − SFT', 'verdict'];
  const body = rows.map((r) => [r.label, ...COLUMNS.map((c) => formatCell(r.cells[c])), formatDelta(r), r.delta?.verdict ?? '']);
  const all = [header, ...body];
  const widths = header.map((_, j) => Math.max(...all.map((line) => [...(line[j] as string)].length)));
  const pad = (text: string, j: number) => {
    const gap = ' '.repeat((widths[j] as number) - [...text].length);
    return j === 0 || j === header.length - 1 ? text + gap : gap + text;
  };
  const lines = all.map((line) => line.map(pad).join('  ').trimEnd());
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return `${lines.join('\n')}\n`;
}
