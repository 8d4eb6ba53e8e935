// `sweep.md`: one row per setting (objective, LR, β, length, rejected answers) with each metric's mean ± noise over branch seeds, the
// base encoder, chance and ceiling, then per metric the best DPO setting against the best SFT one. Columns are
// padded so the same text reads as a table in a terminal (`pivot sweep` prints it last).
import { difference } from '../../../src-shared/stats/difference';
import { intervalText, methodText, verdictText } from '../../../src-shared/stats/difference-text';
import { formatCell, formatNumber } from '../study/table';
import type { MeanStd } from '../probes/stats';
import type { RejectionKind } from '../train';
import { lengthWords, lrText } from './grid';
import { METRIC_LABELS, SWEEP_METRICS, type SweepMetric } from './measure';
import type { SweepReport } from './report';
import { findingsMarkdown } from './report-findings';
import { baseCells } from './summary';

/** A Markdown table with every column padded to its widest cell; `right` marks the right-aligned columns. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], right: readonly boolean[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, j) => Math.max(3, ...all.map((r) => [...(r[j] ?? '')].length)));
  const pad = (text: string, j: number) => {
    const gap = ' '.repeat((widths[j] as number) - [...text].length);
    return right[j] ? gap + text : text + gap;
  };
  const line = (cells: readonly string[]) => `| ${cells.map((c, j) => pad(c, j)).join(' | ')} |`;
  const rule = `| ${widths.map((w, j) => (right[j] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

const REJECTION_CELLS: Record<RejectionKind, string> = { scripted: 'scripted', model: "base model's own" };

function meanStdText(m: MeanStd | undefined): string {
  if (!m || !Number.isFinite(m.mean)) return '–';
  return m.n > 1 ? `${formatNumber(m.mean)} ± ${formatNumber(m.std)}` : formatNumber(m.mean);
}

export function sweepMarkdown(report: SweepReport): string {
  const metrics = SWEEP_METRICS.filter((m) => report.settings.some((s) => s.metrics[m]));
  const base = baseCells(report.base.metrics);
  const blank = ['', '', '', '', ''];
  const settingRows = report.settings.map((s) => [
    s.objective, lrText(s.lr), s.beta === undefined ? '–' : String(s.beta), lengthWords(s.length), s.rejections === undefined ? '–' : REJECTION_CELLS[s.rejections], String(s.seeds.length),
    ...metrics.map((m) => formatCell(s.metrics[m] ?? null)),
    meanStdText(s.training.tailLoss), meanStdText(s.training.tailDpoAccuracy),
  ]);
  const focus = report.base.focus;
  const baseFocus = focus ? `SFT loss ${formatNumber(focus.sftLoss.value)}, DPO loss ${formatNumber(focus.dpoLoss.value)}` : '–';
  const baseRow = [`base (${report.base.stage})`, ...blank, ...metrics.map((m) => (m === 'focus' ? baseFocus : formatCell(base[m] ?? null))), '', ''];
  const levelOf = (m: SweepMetric, level: 'chance' | 'ceiling') => {
    const cell = report.settings.find((s) => s.metrics[m])?.metrics[m];
    return cell?.[level] == null ? '–' : formatNumber(cell[level] as number);
  };
  const header = ['objective', 'LR', 'β', 'length', 'rejected answers', 'seeds', ...metrics.map((m) => METRIC_LABELS[m]), 'loss (last 10 %)', 'DPO acc (last 10 %)'];
  const right = header.map((_, j) => j === 1 || j === 2 || j >= 5);
  const table = markdownTable(header, [
    baseRow,
    ...settingRows,
    ['chance', ...blank, ...metrics.map((m) => levelOf(m, 'chance')), '', ''],
    ['ceiling', ...blank, ...metrics.map((m) => levelOf(m, 'ceiling')), '', ''],
  ], right);
  const verdictTable = markdownTable(
    ['metric', 'best SFT setting', 'SFT', 'best DPO setting', 'DPO', 'DPO − SFT [95 % interval]', 'verdict', 'interval'],
    report.verdicts.map((v) => {
      const d = difference(v.cells.dpo, v.cells.sft);
      return [v.label, v.sftSetting ?? '–', formatCell(v.cells.sft), v.dpoSetting ?? '–', formatCell(v.cells.dpo), d ? intervalText(d) : '–', d ? verdictText(d, 'DPO') : '', d ? methodText(d) : ''];
    }),
    [false, false, true, false, true, true, false, false],
  );
  const points = report.points.length;
  return [
    `# Sweep ${report.recipe.name}: where does DPO's encoder beat SFT's?`,
    '',
    `${points} point${points === 1 ? '' : 's'} (${report.settings.length} settings × branch seeds ${report.grid.seeds.join(', ')}) on ${report.backend}; ` +
      `probe seeds ${report.probeSeeds.join(', ')}. Each cell: mean over branch seeds of the encoder's score (itself a mean over probe seeds${report.focusSamples ? `, or over ${report.focusSamples} Grad-CAM pairs` : ''}) ` +
      `± its std over branch seeds; one seed shows the mean alone. The base row is the encoder every branch starts from (std over probe seeds).`,
    '',
    table,
    '',
    findingsMarkdown(report.findings, report.reliability, report.fromBase),
    '## Best DPO setting vs best SFT setting',
    '',
    verdictTable,
    '',
    'The interval is over branch seeds (each value the mean over the probe seeds): a paired t-interval where the two settings share their branch seeds, ' +
      'a bootstrap over each side\'s branch seeds where they do not; a direction only where it excludes 0.',
    '',
    ...report.notes.map((n) => `- ${n}`),
    '',
  ].join('\n');
}
