// The comparison table as plain text: aligned columns, what `pivot study` prints last, rendered from the shared
// table model (src-shared/domain/study-table.ts).
import { columnTitle, verdictWords, type MetricCell } from '../../../src-shared/domain/study-report';
import type { CompareTable } from '../../../src-shared/domain/study-table';

export function formatNumber(x: number | null, digits = 3): string {
  return x !== null && Number.isFinite(x) ? x.toFixed(digits) : 'n/a';
}

export function formatCell(cell: MetricCell | null): string {
  if (!cell) return '—';
  return cell.spread === 'single' ? formatNumber(cell.mean) : `${formatNumber(cell.mean)} ± ${formatNumber(cell.std)}`;
}

export function formatDelta(delta: { value: number } | null | undefined): string {
  if (!delta) return '—';
  const text = formatNumber(Math.abs(delta.value));
  // The sign of what is shown: a difference that rounds to zero is +0.000, never −0.000.
  return `${delta.value < 0 && Number(text) !== 0 ? '−' : '+'}${text}`;
}

/**
 * The header and one line per row: metric (left-aligned), the columns and each compared column's Δ against the
 * reference (right-aligned), and its verdict (left-aligned).
 */
export function formatTable(table: CompareTable): string {
  const header = ['metric', ...table.columns.map(columnTitle), ...table.compared.flatMap((c) => [`${columnTitle(c)} − ${columnTitle(table.reference)}`, 'verdict'])];
  const body = table.rows.map((r) => [
    r.label,
    ...table.columns.map((c) => formatCell(r.cells[c] ?? null)),
    ...table.compared.flatMap((c) => {
      const delta = r.deltas[c] ?? null;
      return [formatDelta(delta), delta ? verdictWords(delta, c) : ''];
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
