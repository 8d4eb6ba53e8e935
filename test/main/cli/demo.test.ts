// `pivot probe linear` as a user runs it on a checkpoint's encoder/ and a Shapes world: one JSON object with the
// accuracy (mean over seeds) and its protocol; and the probe group keeps gradcam beside the new subcommands.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src-main/cli/main';
import { selectBackend } from '../../../src-main/engine/backend/select';
import { saveToyModel, writeProbeWorld } from '../../helpers/toy-model';
import { tempDir } from '../../helpers/workspace';
import { startPivot } from './run-pivot';

const root = tempDir('pivot-probe-cli-');
const checkpoint = join(root, 'checkpoints', 'sft-8');
const world = join(root, 'data');

beforeAll(async () => {
  await selectBackend('cpu');
  await saveToyModel(8, { checkpoint });
  await writeProbeWorld(world);
});

describe('pivot probe', () => {
  it('has linear, segmentation, alignment and gradcam under one group, and study (alias demo) beside it', () => {
    const program = buildProgram();
    expect(program.commands.filter((c) => c.name() === 'probe')).toHaveLength(1);
    const probe = program.commands.find((c) => c.name() === 'probe')!;
    expect(probe.commands.map((c) => c.name()).sort()).toEqual(['alignment', 'gradcam', 'linear', 'segmentation']);
    expect(program.commands.find((c) => c.name() === 'study')?.aliases()).toEqual(['demo']);
  });

  it('linear --json prints one JSON object with accuracy.mean', async () => {
    const { code, stdout, stderr } = await startPivot(['probe', 'linear', '--encoder', join(checkpoint, 'encoder'), '--data', world, '--seeds', '2', '--backend', 'cpu', '--json']).done;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0]!) as { accuracy: { mean: number; perSeed: number[] }; protocol: string; chance: { majority: number }; preprocess: string };
    expect(report.accuracy.mean).toBeGreaterThanOrEqual(0);
    expect(report.accuracy.mean).toBeLessThanOrEqual(1);
    expect(report.accuracy.perSeed).toHaveLength(2);
    expect(report.protocol).toBe('linear-probe/mean-pooled-l2');
    expect(report.preprocess).toBe(join(checkpoint, 'mllm.json'));
  }, 60_000);
});
