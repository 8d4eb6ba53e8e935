// A run's configuration as its folder records it: the engine's recipe.json as written, launch.json, nothing before
// the run started, and a damaged file named in the error.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConfig, writeRunLaunch } from '../../../src-main/runs/run-config';
import type { RunInfo } from '../../../src-shared/domain/runs';
import { tempDir } from '../../helpers/workspace';

function runIn(runDir: string): RunInfo {
  return { id: 4, name: 'run-4', recipe: 'r.yaml', objective: null, backend: null, data: null, status: 'running', error: null, runDir, progress: null, result: null, createdAt: '', startedAt: null, endedAt: null };
}

describe('runConfig', () => {
  it('returns recipe.json as the engine wrote it and launch.json as main wrote it; null for files not there yet', () => {
    const runDir = join(tempDir(), 'runs', '4');
    mkdirSync(runDir, { recursive: true });
    expect(runConfig(runIn(runDir))).toEqual({ runId: 4, recipe: null, launch: null });
    const recipe = { recipe: '/r.yaml', seed: 7, data: { resolvedFolder: '/d', workspacePairs: { pairs: 12, file: { sha256: 'ab12' } } }, stages: {} };
    writeFileSync(join(runDir, 'recipe.json'), JSON.stringify(recipe));
    writeRunLaunch({ recipe: '/r.yaml', runDir, backend: 'native', threads: 3 }, '2026-12-03T10:00:00.000Z');
    expect(runConfig(runIn(runDir))).toEqual({ runId: 4, recipe, launch: { recipe: '/r.yaml', backend: 'native', threads: 3, launchedAt: '2026-12-03T10:00:00.000Z' } });
  });

  it('refuses a damaged file with FILE_UNREADABLE, naming it', () => {
    const runDir = join(tempDir(), 'run');
    mkdirSync(runDir, { recursive: true });
    writeFileSync(join(runDir, 'recipe.json'), '{"seed": 7');
    expect(() => runConfig(runIn(runDir))).toThrow(expect.objectContaining({ code: 'FILE_UNREADABLE', message: expect.stringContaining(join(runDir, 'recipe.json')) }));
  });
});
