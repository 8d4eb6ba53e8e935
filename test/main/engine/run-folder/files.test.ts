// Run-folder files are read through their schemas: a malformed file is an INVALID_DATA error naming the file and
// the field, a good one round-trips, and metrics.jsonl forgives only a last line cut short by a stopped run.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMetrics, writeMetrics, type MetricsLine } from '../../../../src-main/engine/run-folder/metrics';
import { readRunManifest, RUN_RECIPE_FILE } from '../../../../src-main/engine/run-folder/manifest';
import { readRunState, STATE_FILE, writeRunState } from '../../../../src-main/engine/run-folder/state';
import { readTrainerState, TRAINER_STATE_FILE } from '../../../../src-main/engine/run-folder/trainer-state';
import { PivotError } from '../../../../src-shared/errors';

const runDir = () => mkdtempSync(join(tmpdir(), 'pivot-run-folder-'));

/** The error `read` throws, for its code, message and details. */
function errorOf(read: () => unknown): PivotError {
  try {
    read();
  } catch (err) {
    if (err instanceof PivotError) return err;
    throw err;
  }
  throw new Error('expected an error');
}

const metric = (stage: string, step: number): MetricsLine => ({ type: 'metrics', stage, step, totalSteps: 4, epoch: 0, elapsedMs: 10 * step, values: { loss: 1 / step } });

describe('run-folder files', () => {
  it('reads back what was written, and null where there is no file', async () => {
    const dir = runDir();
    expect(readRunState(dir)).toBeNull();
    const state = { version: 1 as const, stages: { align: { status: 'done' as const, checkpoint: 'checkpoints/align-4', step: 4, totalSteps: 4, finalLoss: 2.5 } } };
    await writeRunState(dir, state);
    expect(readRunState(dir)).toEqual(state);
  });

  it('names the file and the field of a state.json whose step is not a number', () => {
    const dir = runDir();
    writeFileSync(join(dir, STATE_FILE), JSON.stringify({ version: 1, stages: { align: { status: 'done', checkpoint: 'c', step: 'four', totalSteps: 4, finalLoss: 1 } } }));
    const err = errorOf(() => readRunState(dir));
    expect(err.code).toBe('INVALID_DATA');
    expect(err.details).toEqual({ file: join(dir, STATE_FILE), field: 'stages.align.step' });
    expect(err.message).toContain(`${join(dir, STATE_FILE)}: field "stages.align.step"`);
  });

  it('names a file that is not JSON at all', () => {
    const dir = runDir();
    writeFileSync(join(dir, TRAINER_STATE_FILE), '{"stage": "dpo", ');
    const err = errorOf(() => readTrainerState(dir));
    expect(err.code).toBe('INVALID_DATA');
    expect(err.details).toEqual({ file: join(dir, TRAINER_STATE_FILE) });
  });

  it('refuses a manifest whose stage has an unknown kind', () => {
    const dir = runDir();
    const stage = { name: 'x', kind: 'rlhf', trainable: ['lm'], lr: 1, encoderLr: 1, epochs: 1, batchSize: 1, gradAccum: 1, warmupRatio: 0, weightDecay: 0, clipNorm: null, beta: 0.1, checkpointEvery: 0, subset: { from: 0, to: 1 } };
    const manifest = { recipe: 'r.yaml', seed: 0, model: { preset: 'toy', featureLayer: -2 }, data: { includeTestSplit: false, resolvedFolder: '/d' }, stages: { x: stage } };
    writeFileSync(join(dir, RUN_RECIPE_FILE), JSON.stringify(manifest));
    expect(errorOf(() => readRunManifest(dir)).details).toEqual({ file: join(dir, RUN_RECIPE_FILE), field: 'stages.x.kind' });
    writeFileSync(join(dir, RUN_RECIPE_FILE), JSON.stringify({ ...manifest, stages: { x: { ...stage, kind: 'dpo' } } }));
    expect(readRunManifest(dir)?.stages.x?.kind).toBe('dpo');
  });

  it('skips a metrics line cut short at the end, and names a bad line elsewhere', async () => {
    const dir = runDir();
    await writeMetrics(dir, [metric('sft', 1), metric('sft', 2)]);
    writeFileSync(join(dir, 'metrics.jsonl'), `${readFileSync(join(dir, 'metrics.jsonl'), 'utf8')}{"type":"metr`);
    expect(readMetrics(dir)).toEqual([metric('sft', 1), metric('sft', 2)]);

    writeFileSync(join(dir, 'metrics.jsonl'), `${JSON.stringify(metric('sft', 1))}\n{"type":"metrics","stage":"sft"}\n${JSON.stringify(metric('sft', 3))}\n`);
    const err = errorOf(() => readMetrics(dir));
    expect(err.code).toBe('INVALID_DATA');
    expect(err.details).toEqual({ file: `${join(dir, 'metrics.jsonl')}:2`, field: 'step' });
  });
});
