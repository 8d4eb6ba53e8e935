// sweep.md's "Findings": for each metric, where (LR, β, length, rejection kind) DPO's encoder is better than, equal
// to or worse than SFT's. Every DPO setting is set against every SFT setting of the same length, paired by branch
// seed (the same base checkpoint, data order and probe splits), with the 95 % interval of the per-seed differences
// and d_z; the words follow the interval. "No setting found" is a finding too.
import { difference, type Difference } from '../../../src-shared/stats/difference';
import { differenceText } from '../../../src-shared/stats/difference-text';
import { probeReliability, RELIABILITY_METHOD, type ProbeReliability } from '../analysis/probe-reliability';
import { lengthWords, lrText, type SweepLength } from './grid';
import type { RejectionKind } from '../train';
import { baseChangeLine, type BaseChange } from './base-changes';
import { METRIC_LABELS, SWEEP_METRICS, type Measurements, type SweepMetric } from './measure';
import type { SettingSummary } from './summary';

export interface SweepFinding {
  metric: SweepMetric;
  dpoSetting: string;
  sftSetting: string;
  lr: number;
  beta: number | null;
  length: SweepLength;
  rejections: RejectionKind;
  difference: Difference;
}

const sameLength = (a: SweepLength, b: SweepLength) => JSON.stringify(a) === JSON.stringify(b);

/** Per metric, every DPO setting (of either rejection kind) against every SFT setting of its length, in grid order. */
export function sweepFindings(settings: readonly SettingSummary[]): SweepFinding[] {
  const dpo = settings.filter((s) => s.objective === 'dpo');
  const sft = settings.filter((s) => s.objective === 'sft');
  return SWEEP_METRICS.flatMap((metric) =>
    dpo.flatMap((d) =>
      sft.flatMap((s): SweepFinding[] => {
        const diff = difference(d.metrics[metric], s.metrics[metric]);
        if (!diff || !sameLength(d.length, s.length)) return [];
        return [{ metric, dpoSetting: d.setting, sftSetting: s.setting, lr: d.lr, beta: d.beta ?? null, length: d.length, rejections: d.rejections ?? 'scripted', difference: diff }];
      }),
    ),
  );
}

/** What each probe can see, at the base encoder's scores (a share of items: focus is not, so it has none). */
export function sweepReliability(base: Measurements): ProbeReliability[] {
  return (['linear', 'segRecall', 'qa'] as const).flatMap((metric) => {
    const m = base[metric];
    if (!m || m.testSize === undefined || !Number.isFinite(m.value)) return [];
    return [probeReliability({ label: METRIC_LABELS[metric], at: m.value, testSize: m.testSize, unit: metric === 'qa' ? 'questions' : 'images', trainSize: m.trainSize ?? null })];
  });
}

const REJECTION_WORDS: Record<RejectionKind, string> = { scripted: 'scripted rejections', model: "the base model's own wrong answers" };

function where(f: SweepFinding): string {
  return `LR ${lrText(f.lr)}, β ${f.beta ?? '–'}, ${lengthWords(f.length)}, ${REJECTION_WORDS[f.rejections]} (${f.dpoSetting} vs ${f.sftSetting}: ${differenceText(f.difference)})`;
}

/** One metric's findings as three lines: better, equal, worse ("no setting found" where none), and any not judged. */
function metricLines(findings: readonly SweepFinding[]): string[] {
  const at = (verdict: Difference['verdict']) => findings.filter((f) => f.difference.verdict === verdict).map(where);
  const line = (words: string, list: string[]) => `  - ${words}: ${list.length > 0 ? list.join('; ') : 'no setting found'}`;
  const unjudged = at('too few seeds');
  return [
    line("DPO's encoder better", at('higher')),
    line('no difference detected', at('no difference detected')),
    line("DPO's encoder worse", at('lower')),
    ...(unjudged.length > 0 ? [`  - not judged (fewer than two branch seeds): ${unjudged.join('; ')}`] : []),
  ];
}

export function findingsMarkdown(findings: readonly SweepFinding[], reliability: readonly ProbeReliability[], fromBase: readonly BaseChange[] = []): string {
  const metrics = SWEEP_METRICS.filter((m) => findings.some((f) => f.metric === m));
  const body = metrics.length === 0
    ? ['No setting found: the sweep holds no DPO and SFT settings of the same length measured on the same metric.']
    : metrics.flatMap((m) => [`- **${METRIC_LABELS[m]}**`, ...metricLines(findings.filter((f) => f.metric === m)), ...baseChangeLine(fromBase, m)]);
  return [
    "## Findings: where DPO's encoder is better, equal or worse than SFT's",
    '',
    'Each DPO setting against each SFT setting of the same length, paired by branch seed (the same base checkpoint, data order and probe splits): ' +
      'the 95 % t-interval of the per-seed differences of the encoders\' scores (each the mean over the probe seeds), Cohen\'s d_z, and a direction only where the interval excludes 0 ' +
      '(a bootstrap over branch seeds where the two settings were not measured on the same seeds). Focus and QA are per sample within a point, but here too the unit is the branch seed. ' +
      'The last line of a metric sets every setting against the base encoder, its score held fixed (a t-interval over the setting\'s branch seeds): whether a branch improved the encoder, or only harmed it less than another.',
    '',
    ...body,
    '',
    'How the defaults were chosen: the grid is the study recipe\'s starting point — the paper\'s LR ratio (DPO\'s LR 5× below SFT\'s) and its β 0.1 — and its neighbours, ' +
      'set before any result; no value was tuned toward a direction. With several settings per objective, some interval will exclude 0 by chance (1 in 20 at α 0.05 each): read a lone "better" among many with that in mind.',
    '',
    ...(reliability.length > 0
      ? [
          '### What each probe can see',
          '',
          ...reliability.map((r) => `- ${r.label}: ${r.testSize} test ${r.unit}${r.trainSize === null ? '' : ` (fitted on ${r.trainSize})`} (one = ${(1 / r.testSize).toFixed(3)}) at ${r.at.toFixed(3)} → smallest detectable difference ${r.smallestDifference.toFixed(3)}`),
          '',
          `${RELIABILITY_METHOD} "at" is the base encoder's score; the probes' test splits are those of the first probe seed.`,
          '',
        ]
      : []),
  ].join('\n');
}
