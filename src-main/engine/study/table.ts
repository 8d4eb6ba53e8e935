// The comparison table as plain text: aligned columns, what `pivot study` prints last, rendered from the shared
// table model (src-shared/domain/study-table.ts).
import { columnTitle, type MetricCell } from '../../../src-shared/domain/study-report';
import type { CompareTable } from '../../../src-shared/domain/study-table';
import type { Difference } from '../../../src-shared/stats/difference';
import { intervalText, verdictText } from '../../../src-shared/stats/difference-text';

export function formatNumber(x: number | null, digits = 3): string {
  return x !== null && Number.isFinite(x) ? x.toFixed(digits) : 'n/a';
}

export function formatCell(cell: MetricCell | null): string {
  if (!cell) return '—';
  return cell.spread === 'single' ? formatNumber(cell.mean) : `${formatNumber(cell.mean)} ± ${formatNumber(cell.std)}`;
}

/** A difference as the table shows it: "+0.040 [+0.020, +0.060]", the mean alone where there is no interval. */
export function formatDifference(d: Difference | null | undefined): string {
  return d ? intervalText(d) : '—';
}

/**
 * The header and one line per row: metric (left-aligned), the columns and each compared column's difference from the
 * reference with its 95 % interval (right-aligned), and the verdict read off the interval (left-aligned).
 */
export function formatTable(table: CompareTable): string {
  const header = ['metric', ...table.columns.map(columnTitle), ...table.compared.flatMap((c) => [`${columnTitle(c)} − ${columnTitle(table.reference)} [95 % interval]`, 'verdict'])];
  const body = table.rows.map((r) => [
    r.label,
    ...table.columns.map((c) => formatCell(r.cells[c] ?? null)),
    ...table.compared.flatMap((c) => {
      const d = r.deltas[c] ?? null;
      return [formatDifference(d), d ? verdictText(d, columnTitle(c)) : ''];
    }),
  ]);
  const all = [header, ...body];
  const widths = header.map((_, j) => Math.max(...all.map((line) => [...(line[j] as string)].length)));
  const left = (j: number) => j === 0 || header[j] === 'verdict';
  const pad = (text: string, j: number) => {
    const gap = ' '.repeat((widths[j] as number) - [...text].length);
    return left(j) ? text + gap : gap + text;
  };
  const lines = all.map((line) => line.map(pad).join('  ').trimEnd());
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return `${lines.join('\n')}\n`;
}
