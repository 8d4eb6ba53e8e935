// `pivot`'s exit status tells a usage mistake (64) from bad input data (65) and from a bug (70), through `main`
// itself with commands that fail before any model is loaded.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CommanderError } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { exitStatusOf } from '../../../src-main/cli/exit-codes';
import { PivotError } from '../../../src-shared/errors';
import { pivotInProcess } from '../../helpers/pivot-in-process';
import { tempDir } from '../../helpers/workspace';

const root = tempDir('pivot-exit-');
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

describe('pivot exit status', () => {
  it('is 0 for --help, which lists the exit statuses', async () => {
    const { code, stdout } = await pivotInProcess('--help');
    expect(code).toBe(0);
    expect(stdout).toContain('Exit status:');
    expect(stdout).toContain('64   usage: a bad command, option or recipe value (INVALID_REQUEST, INVALID_CONFIG)');
    expect(stdout).toContain('70   a bug in PIVOT Studio (INTERNAL)');
  });

  it('is 64 for an unknown command or a bad option value', async () => {
    expect((await pivotInProcess('data', 'nonsense')).code).toBe(64);
    const badCount = await pivotInProcess('data', 'shapes', '--out', join(root, 'w'), '--count', 'zero');
    expect(badCount.code).toBe(64);
    expect(badCount.stderr).toContain('--count must be a positive integer, got "zero".');
  });

  it('is 64 for an invalid option the engine refuses (INVALID_CONFIG)', async () => {
    const { code, stderr } = await pivotInProcess('data', 'shapes', '--out', join(root, 'w'), '--count', '2', '--size', '16');
    expect(code).toBe(64);
    expect(stderr).toBe('pivot: shapes world: size must be a whole number of px from 32 to 512, got 16\n');
  });

  it('is 64 for an invalid recipe value, refused before anything is trained', async () => {
    const recipe = join(root, 'negative-lr.yaml');
    const quick = readFileSync(fileURLToPath(new URL('../../../resources/recipes/shapes-quick.yaml', import.meta.url)), 'utf8');
    writeFileSync(recipe, quick.replace('lr: 1.0e-3', 'lr: -1'));
    const { code, stderr } = await pivotInProcess('sweep', '--recipe', recipe, '--out', join(root, 'sweep'));
    expect(code).toBe(64);
    expect(stderr).toMatch(new RegExp(`^pivot: ${recipe}: .*lr`));
  });

  it('is 65 for a missing input file', async () => {
    const missing = join(root, 'nowhere', 'pairs.jsonl');
    const { code, stderr } = await pivotInProcess('data', 'import', missing, '--workspace', join(root, 'ws'));
    expect(code).toBe(65);
    expect(stderr).toContain(missing);
  });
});

describe('exitStatusOf', () => {
  it('maps each kind of error to its status', () => {
    expect(exitStatusOf(new Error('an invariant failed'))).toBe(70);
    expect(exitStatusOf(new PivotError('INTERNAL', 'a bug'))).toBe(70);
    expect(exitStatusOf(new PivotError('INVALID_CONFIG', 'lr must be positive'))).toBe(64);
    expect(exitStatusOf(new PivotError('INVALID_DATA', 'bad JSON'))).toBe(65);
    expect(exitStatusOf(new PivotError('CHECKPOINT_INCOMPATIBLE', 'wrong shape'))).toBe(65);
    expect(exitStatusOf(new PivotError('NOT_FOUND', 'no such run'))).toBe(65);
    expect(exitStatusOf(new PivotError('TRAINING_DIVERGED', 'loss NaN', { stage: 'sft', step: 3, loss: NaN }))).toBe(1);
    expect(exitStatusOf(new PivotError('OUT_OF_MEMORY', 'no room'))).toBe(1);
    expect(exitStatusOf(new PivotError('WORKSPACE_UNAVAILABLE', 'locked'))).toBe(75);
    expect(exitStatusOf(new CommanderError(0, 'commander.version', '0.1.0'))).toBe(0);
    expect(exitStatusOf(new CommanderError(1, 'commander.unknownOption', "error: unknown option '--bogus'"))).toBe(64);
  });
});
