// report.html: one self-contained page (inline CSS, inline SVG curves, images as data: URLs, no external asset).
import { writeFile } from 'node:fs/promises';
import { columnTitle, type StageCurve } from '../../../src-shared/domain/study-report';
import { compareTable } from '../../../src-shared/domain/study-table';
import { methodText, verdictText } from '../../../src-shared/stats/difference-text';
import { findingsHtml } from './report-findings';
import { COLUMNS, type WrittenStudyReport } from './report-json';
import { formatCell, formatDifference, formatNumber } from './table';

export interface GradcamExample {
  id: string;
  question: string;
  image: string;
  sft: string;
  dpo: string;
  sftScore: number | null;
  dpoScore: number | null;
  /** Standard Grad-CAM of the same pair on encoder hidden state `hiddenState`. */
  layer?: { sft: string; dpo: string; sftScore: number | null; dpoScore: number | null; hiddenState: number };
}

export interface SegmentationExample {
  id: string;
  image: string;
  truth: string;
  sft: string;
  dpo: string;
}

export interface ReportExamples {
  gradcam: GradcamExample[];
  segmentation: SegmentationExample[];
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** One stage's loss as an inline SVG polyline. */
export function lossCurveSvg(curve: StageCurve, width = 280, height = 140): string {
  return curveSvg(curve.stage, 'loss', curve.curve, width, height);
}

/** One stage's curve of `metric` ([step, value] points) as an inline SVG polyline, captioned with its range. */
function curveSvg(stage: string, metric: string, points: readonly (readonly [number, number | null])[], width: number, height: number): string {
  const pts = points.filter((p): p is [number, number] => p[1] !== null && Number.isFinite(p[1]));
  const pad = 28;
  if (pts.length === 0) return `<svg width="${width}" height="${height}" role="img"><text x="10" y="20">no ${escapeHtml(metric)} values</text></svg>`;
  const xs = pts.map(([s]) => s);
  const ys = pts.map(([, l]) => l);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const sx = (x: number) => pad + ((x - x0) / (x1 - x0 || 1)) * (width - pad - 6);
  const sy = (y: number) => height - pad + 10 - ((y - y0) / (y1 - y0 || 1)) * (height - pad - 10);
  const line = pts.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
  return [
    `<svg width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(stage)} ${escapeHtml(metric)}">`,
    `<rect x="${pad}" y="0" width="${width - pad - 6}" height="${height - pad + 10}" fill="#fafafa" stroke="#ccc"/>`,
    `<polyline fill="none" stroke="#1f6feb" stroke-width="1.5" points="${line}"/>`,
    `<text x="2" y="10" font-size="9">${formatNumber(y1)}</text><text x="2" y="${height - pad + 10}" font-size="9">${formatNumber(y0)}</text>`,
    `<text x="${pad}" y="${height - 4}" font-size="10">${escapeHtml(stage)}: step ${x0}–${x1}, ${escapeHtml(metric)} ${formatNumber(pts[0]?.[1] ?? null)} → ${formatNumber(pts[pts.length - 1]?.[1] ?? null)}</text>`,
    '</svg>',
  ].join('');
}

/** Probe-as-you-train: each branch's probe curves (a branch trained with probeEvery), or a line saying there are none. */
export function probeCurvesHtml(stages: readonly StageCurve[]): string {
  const curves = stages.flatMap((s) => Object.entries(s.probes ?? {}).map(([metric, points]) => curveSvg(s.stage, metric, points, 280, 140)));
  return curves.length > 0
    ? `<div class="grid">${curves.join(' ')}</div>`
    : '<p class="small">No branch was trained with <code>probeEvery</code>: set it on the branches of the recipe to see the probes every N steps.</p>';
}

const CSS = `body{font-family:system-ui,sans-serif;margin:2em;max-width:1100px;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}
td:first-child,th:first-child,td.v{text-align:left}th{background:#f0f0f0}.small{font-size:.85em;color:#555}
.grid{display:flex;flex-wrap:wrap;gap:12px}.ex{border:1px solid #ddd;padding:6px}.ex img{image-rendering:pixelated;margin-right:4px}
figure{margin:0;display:inline-block;text-align:center}figcaption{font-size:.75em}`;

export function reportHtml(report: WrittenStudyReport, examples: ReportExamples): string {
  const e = escapeHtml;
  // The study's question: DPO against SFT.
  const t = compareTable(report, 'sft', ['dpo']);
  const optional = (x: number | null) => (x === null ? '—' : formatNumber(x));
  const table = [
    '<table id="comparison"><thead><tr><th>metric</th>',
    ...t.columns.map((c) => `<th>${columnTitle(c)}</th>`),
    ...t.compared.map((c) => `<th>${columnTitle(c)} − ${columnTitle(t.reference)} [95 % interval]</th><th>verdict</th>`),
    '<th>chance</th><th>ceiling</th><th>protocol</th></tr></thead><tbody>',
    ...t.rows.map((r) =>
      `<tr><td>${e(r.label)}</td>${t.columns.map((c) => `<td title="${e(r.cells[c]?.note ?? '')}">${e(formatCell(r.cells[c] ?? null))}</td>`).join('')}` +
      t.compared.map((c) => {
        const d = r.deltas[c] ?? null;
        return `<td title="${e(d ? methodText(d) : '')}">${e(formatDifference(d))}</td><td class="v">${e(d ? verdictText(d, columnTitle(c)) : '')}</td>`;
      }).join('') +
      `<td>${optional(r.chance)}</td><td>${optional(r.ceiling)}</td><td class="v small">${e(r.protocol)}</td></tr>`),
    '</tbody></table>',
  ].join('');
  const img = (src: string, caption: string) => `<figure><img src="${src}" width="96" height="96" alt="${e(caption)}"><figcaption>${e(caption)}</figcaption></figure>`;
  const focus = (score: number | null) => (score === null ? 'n/a' : formatNumber(score));
  const gradcam = examples.gradcam.map((g) =>
    `<div class="ex"><div class="small">${e(g.question)}</div>${img(g.image, 'image')}${img(g.sft, `SFT focus ${focus(g.sftScore)}`)}${img(g.dpo, `DPO focus ${focus(g.dpoScore)}`)}` +
    (g.layer ? `${img(g.layer.sft, `SFT, standard Grad-CAM (hidden state ${g.layer.hiddenState}) ${focus(g.layer.sftScore)}`)}${img(g.layer.dpo, `DPO, standard Grad-CAM (hidden state ${g.layer.hiddenState}) ${focus(g.layer.dpoScore)}`)}` : '') +
    '</div>').join('');
  const seg = examples.segmentation.map((s) =>
    `<div class="ex"><div class="small">${e(s.id)}</div>${img(s.image, 'image')}${img(s.truth, 'ground truth')}${img(s.sft, 'SFT probe')}${img(s.dpo, 'DPO probe')}</div>`).join('');
  const curves = report.training.stages.map((s) => lossCurveSvg(s)).join(' ');
  const enc = COLUMNS.map((c) => `<li><b>${columnTitle(c)}</b>: ${e(report.encoders[c].note)} <span class="small">(${e(report.encoders[c].encoder)})</span></li>`).join('');
  const durations = Object.entries(report.durationsMs).map(([k, v]) => `${e(k)} ${(v / 1000).toFixed(1)} s`).join(', ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>PIVOT demo: SFT vs DPO encoders</title><style>${CSS}</style></head>
<body>
<h1>What SFT and DPO did to the vision encoder</h1>
<p class="small">Recipe <b>${e(report.recipe.name)}</b>, backend ${e(report.backend)}, ${e(report.date)}. Seeds ${report.seeds.join(', ')}. Shapes world: ${report.world.images} images (${report.world.testImages} in its test split), ${report.world.pairs} pairs, ${e(report.world.folder)}.</p>
<ul>${enc}</ul>
<h2>Comparison</h2>
${table}
<p class="small">Cells: mean ± std (over seeds for the probes, over Grad-CAM samples for focus; alignment is one measurement). DPO − SFT: the mean difference with its 95 % interval — a paired t-interval over the probe seeds for the probes, a paired bootstrap over the questions or Grad-CAM pairs for QA and focus (both models measured on the same ones; each side resampled apart where they were not), none for a single measurement; the cell's tooltip names the method. Verdict: "DPO higher" or "DPO lower" only when the interval excludes 0, else "no difference detected"; no threshold was tuned toward any direction. The Findings below give each interval's effect size.</p>
<ul class="small">${report.notes.map((n) => `<li>${e(n)}</li>`).join('')}</ul>
${findingsHtml(report.rows, report.reliability ?? [], e)}
<h2>Training curves</h2>
<div class="grid">${curves}</div>
<h3 id="probe-curves">Encoder probes during training</h3>
${probeCurvesHtml(report.training.stages)}
<h2>Grad-CAM: SFT vs DPO</h2>
<p class="small">Projector-L1 maps (the study's variant), each model under its own objective's loss, then standard Grad-CAM on the encoder's feature layer for the same pair; the question's objects outlined in white.</p>
<div class="grid">${gradcam || '<p>No examples.</p>'}</div>
<h2>Segmentation probe predictions</h2>
<p class="small">First seed's test images; colours are classes (background black).</p>
<div class="grid">${seg || '<p>No examples.</p>'}</div>
<p class="small">Durations: ${durations}. Full numbers: report.json.</p>
</body></html>
`;
}

export async function writeReportHtml(path: string, report: WrittenStudyReport, examples: ReportExamples): Promise<void> {
  await writeFile(path, reportHtml(report, examples));
}
