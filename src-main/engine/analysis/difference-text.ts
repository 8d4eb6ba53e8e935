// A difference with its interval as the reports write it, one wording for sweep.md, report.html and the CLI:
// "+0.040 [+0.020, +0.060], d_z 2.53 (paired t over 5 seeds)" and the verdict naming who is better.
import type { Difference } from './paired-difference';

/** A signed number with three decimals; one that rounds to zero is +0.000, never −0.000. */
export function signed(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  const text = Math.abs(x).toFixed(3);
  return `${x < 0 && Number(text) !== 0 ? '−' : '+'}${text}`;
}

/** The mean difference, its 95 % interval, the effect size and how the interval was made. */
export function differenceText(d: Difference): string {
  const effect = d.method === 'paired t over seeds' ? 'd_z' : 'd';
  if (d.verdict === 'too few seeds') return `${signed(d.mean)} (${d.n} seed${d.n === 1 ? '' : 's'}: no interval)`;
  const size = Number.isFinite(d.effectSize) ? d.effectSize.toFixed(2).replace('-', '−') : 'n/a (no spread)';
  return `${signed(d.mean)} [${signed(d.low)}, ${signed(d.high)}], ${effect} ${size} (${d.method}, n ${d.n})`;
}

/** "DPO better" / "DPO worse" only when the interval excludes 0, else the verdict as it is. */
export function verdictText(d: Difference, treated: string): string {
  return d.verdict === 'better' || d.verdict === 'worse' ? `${treated} ${d.verdict}` : d.verdict;
}
