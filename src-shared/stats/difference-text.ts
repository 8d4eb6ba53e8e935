// A difference with its interval as every rendering writes it (the Compare tab, the CLI table, CSV / Markdown,
// report.html, sweep.md): "+0.040 [+0.020, +0.060]" in a table cell, with the effect size and how the interval was
// made in a sentence, and the verdict naming the column a direction is about ("DPO higher").
import type { Difference } from './difference';

/** A signed number with three decimals; one that rounds to zero is +0.000, never −0.000. */
export function signed(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  const text = Math.abs(x).toFixed(3);
  return `${x < 0 && Number(text) !== 0 ? '−' : '+'}${text}`;
}

const hasInterval = (d: Difference) => Number.isFinite(d.low) && Number.isFinite(d.high);

/** The mean difference and its 95 % interval, as a table cell shows it: "+0.012 [−0.004, +0.028]". */
export function intervalText(d: Difference): string {
  return hasInterval(d) ? `${signed(d.mean)} [${signed(d.low)}, ${signed(d.high)}]` : signed(d.mean);
}

/** How the interval was made, and from how many: "paired t over seeds, n 5". */
export function methodText(d: Difference): string {
  return `${d.method}, n ${d.n}`;
}

/** The mean difference, its 95 % interval, the effect size and how the interval was made. */
export function differenceText(d: Difference): string {
  if (d.verdict === 'no noise estimate') return `${signed(d.mean)} (single measurements: no interval)`;
  if (d.verdict === 'too few seeds') return `${signed(d.mean)} (${d.n} seed${d.n === 1 ? '' : 's'}: no interval)`;
  const effect = d.method.startsWith('paired') ? 'd_z' : 'd';
  const size = Number.isFinite(d.effectSize) ? d.effectSize.toFixed(2).replace('-', '−') : 'n/a (no spread)';
  return `${intervalText(d)}, ${effect} ${size} (${methodText(d)})`;
}

/** "DPO higher" / "DPO lower" only when the interval excludes 0, else the verdict as it is. */
export function verdictText(d: Difference, treated: string): string {
  return d.verdict === 'higher' || d.verdict === 'lower' ? `${treated} ${d.verdict}` : d.verdict;
}
