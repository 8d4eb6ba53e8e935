// A study's training curves come from the run's metrics.jsonl through the run folder's own reader: its lines are
// summarised per stage, a line cut short by a stopped run is left out, and any other bad line is INVALID_DATA.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summariseMetrics } from '../../../../src-main/engine/study/training-summary';
import { tempDir } from '../../../helpers/workspace';

const line = (stage: string, step: number, loss: number) =>
  JSON.stringify({ type: 'metrics', stage, step, totalSteps: 2, epoch: step / 2, elapsedMs: 10 * step, values: { loss } });

describe('summariseMetrics', () => {
  it('summarises each stage, leaving out a last line cut short', () => {
    const run = tempDir('pivot-summary-');
    writeFileSync(join(run, 'metrics.jsonl'), [line('align', 1, 3), line('align', 2, 2), line('sft', 1, 1.5), '{"type": "metr'].join('\n'));
    expect(summariseMetrics(run)).toEqual({
      file: join(run, 'metrics.jsonl'),
      stages: [
        { stage: 'align', steps: 2, firstLoss: 3, lastLoss: 2, minLoss: 2, last: { loss: 2 }, curve: [[1, 3], [2, 2]] },
        { stage: 'sft', steps: 1, firstLoss: 1.5, lastLoss: 1.5, minLoss: 1.5, last: { loss: 1.5 }, curve: [[1, 1.5]] },
      ],
    });
  });

  it('keeps every probe-as-you-train value of a stage (TRAINING_PROBE_METRICS, logged every N steps) as its own curve', () => {
    const run = tempDir('pivot-summary-');
    const probed = (step: number, loss: number, probes: Record<string, number>) =>
      JSON.stringify({ type: 'metrics', stage: 'dpo', step, totalSteps: 4, epoch: step / 4, elapsedMs: step, values: { loss, ...probes } });
    writeFileSync(join(run, 'metrics.jsonl'), [
      probed(1, 0.7, {}), probed(2, 0.6, { 'probe/linear_accuracy': 0.25, 'probe/seg_miou': 0.1 }), probed(3, 0.5, {}), probed(4, 0.4, { 'probe/linear_accuracy': 0.5, 'probe/seg_miou': 0.2 }),
    ].join('\n'));
    const [dpo] = summariseMetrics(run).stages;
    expect(dpo!.probes).toEqual({ 'probe/linear_accuracy': [[2, 0.25], [4, 0.5]], 'probe/seg_miou': [[2, 0.1], [4, 0.2]] });
    writeFileSync(join(run, 'metrics.jsonl'), line('sft', 1, 1.5));
    expect(summariseMetrics(run).stages[0]).not.toHaveProperty('probes');
  });

  it('refuses a bad line before the last as INVALID_DATA naming the file, the line and the field', () => {
    const run = tempDir('pivot-summary-');
    const file = join(run, 'metrics.jsonl');
    writeFileSync(file, [line('align', 1, 3), '{"type": "metrics", "stage": "align", "step": "two"}', line('align', 2, 2)].join('\n'));
    expect(() => summariseMetrics(run)).toThrow(expect.objectContaining({ code: 'INVALID_DATA', details: { file: `${file}:2`, field: 'step' } }));
  });
});
