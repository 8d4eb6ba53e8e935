// report.html's "Findings": per metric, DPO − SFT with its 95 % interval and effect size, the verdict read off the
// interval, and how small a difference each probe can see at all (its smallest detectable difference).
import { difference, type Difference } from '../../../src-shared/stats/difference';
import { differenceText, verdictText } from '../../../src-shared/stats/difference-text';
import { RELIABILITY_METHOD, type ProbeReliability } from '../analysis/probe-reliability';
import type { ComparisonRow } from './report-json';

export interface StudyFinding {
  label: string;
  difference: Difference;
}

/** Every row where both SFT and DPO were measured. */
export function studyFindings(rows: readonly ComparisonRow[]): StudyFinding[] {
  return rows.flatMap((r) => {
    const d = difference(r.cells.dpo, r.cells.sft);
    return d ? [{ label: r.label, difference: d }] : [];
  });
}

/** One sentence per finding, better / worse / no difference, for the page and the CLI. */
export function findingLine(f: StudyFinding): string {
  return `${f.label}: ${verdictText(f.difference, 'DPO')}, DPO − SFT ${differenceText(f.difference)}`;
}

export function findingsHtml(rows: readonly ComparisonRow[], reliability: readonly ProbeReliability[], escape: (text: string) => string): string {
  const findings = studyFindings(rows);
  const better = findings.filter((f) => f.difference.verdict === 'higher').map((f) => f.label);
  const headline = better.length > 0 ? `DPO's encoder is better than SFT's on: ${better.join(', ')}.` : 'No metric found where DPO\'s encoder is better than SFT\'s.';
  const reliabilityRows = reliability.map((r) =>
    `<tr><td>${escape(r.label)}</td><td>${r.trainSize ?? '—'}</td><td>${r.testSize} ${escape(r.unit)} (one = ${(1 / r.testSize).toFixed(3)})</td><td>${r.at.toFixed(3)}</td><td>${r.smallestDifference.toFixed(3)}</td></tr>`).join('');
  return [
    '<h2 id="findings">Findings</h2>',
    `<p><b>${escape(headline)}</b></p>`,
    `<ul>${findings.map((f) => `<li>${escape(findingLine(f))}</li>`).join('')}</ul>`,
    '<p class="small">95 % intervals of DPO − SFT. Probe rows: a paired t-interval over the probe seeds (both encoders probed on the same splits and seeds); ' +
      'per-sample rows (focus, QA): a paired bootstrap over the samples (10 000 resamples of the per-sample differences: both models asked the same questions, mapped on the same pairs; each side resampled apart where they were not); ' +
      'alignment is one measurement (no interval). This study trains one branch seed per objective, so the intervals hold ' +
      'the probes\' noise only, not post-training\'s: `pivot sweep` with two or more branch seeds measures that. A direction is named only when the interval excludes 0; ' +
      'd_z is the mean difference over the std of the per-seed (per-sample) differences. How the defaults were chosen: the recipe keeps the paper\'s LR ratios (DPO\'s LR 5× below SFT\'s) at 30× its values for the tiny models, and its β 0.1, ' +
      'set from the paper before any result (the recipe\'s header says why each value) and not tuned toward a direction.</p>',
    '<h3>What each probe can see</h3>',
    `<table id="reliability"><thead><tr><th>measurement</th><th>fitted on</th><th>test split</th><th>at</th><th>smallest detectable difference</th></tr></thead><tbody>${reliabilityRows}</tbody></table>`,
    `<p class="small">${escape(RELIABILITY_METHOD)} "at" is the base encoder's score.</p>`,
  ].join('\n');
}
