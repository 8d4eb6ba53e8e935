// `reports:export-encoder` through dispatch: a study report's column exported from the checkpoint the report names for
// it (a toy MLLM checkpoint, on an engine host), and refusals that name the column, the checkpoint or the folder.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/engine/backend/select';
import { dispatch } from '../../../src-main/ipc/dispatch';
import type { HandlerContext } from '../../../src-main/ipc/handlers';
import { WorkspaceJobs } from '../../../src-main/ipc/workspace-jobs';
import { createPresetMllm, readTokenizerFiles, saveMllm } from '../../../src-main/engine/models/mllm';
import type { EncoderExportReport, Result } from '../../../src-shared/ipc/contract';
import { checkTestRecipe, testHost } from '../../helpers/training';
import { tempDir, workspaceWithPairs } from '../../helpers/workspace';
import { smallWorld } from '../engine/train/helpers';

let ctx: HandlerContext;
let checkpoint: string;

beforeAll(async () => {
  const workspace = await workspaceWithPairs([]);
  ctx = { workspace, emit: () => undefined, jobs: new WorkspaceJobs(workspace, { launch: testHost, checkRecipe: checkTestRecipe, emit: () => undefined }) };
  await selectBackend('cpu');
  const world = await smallWorld(join(tempDir(), 'world'));
  checkpoint = join(tempDir(), 'run', 'checkpoints', 'dpo-4');
  const mllm = createPresetMllm('toy', { tokenizerFiles: readTokenizerFiles(world), tokenizerSource: world, seed: 3 });
  await saveMllm(mllm, checkpoint);
  mllm.dispose();
  const encoder = (column: string, path: string) => ({ column, stage: column, checkpoint: path, encoder: join(path, 'encoder'), note: '' });
  const dir = join(workspace.dir, 'reports', 'study-1');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'report.json'),
    JSON.stringify({
      version: 1, tool: 'pivot demo', date: '2026-12-03T10:00:00.000Z', backend: 'cpu', recipe: { name: 'shapes-quick' }, seeds: [0],
      encoders: { original: encoder('original', '/gone/align-2'), sft: encoder('sft', '/gone/sft-4'), dpo: encoder('dpo', checkpoint) },
      rows: [], details: {},
    }),
  );
}, 60_000);

afterAll(async () => {
  await ctx.jobs?.close();
  ctx.workspace.close();
});

const request = (fields: Record<string, unknown>) => ({ report: 'study-1', column: 'dpo', path: join(tempDir(), 'out'), job: 'export-1', ...fields });

function error(result: Result<unknown>): { code: string; message: string } {
  if (result.ok) throw new Error('expected a refusal');
  return result.error;
}

describe('reports:export-encoder', () => {
  it('exports the column\'s checkpoint as a Hugging Face encoder folder, checked bit for bit', async () => {
    const out = join(tempDir(), 'dpo-encoder');
    const result = await dispatch('reports:export-encoder', request({ path: out }), ctx);
    if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
    const report = result.data as EncoderExportReport;
    expect(report).toMatchObject({ out, checkpoint, maxRelativeError: 0 });
    expect(readdirSync(out).sort()).toEqual([...report.files].sort());
    expect(report.files).toEqual(expect.arrayContaining(['config.json', 'model.safetensors']));
  }, 120_000);

  it('refuses a column the report has no encoder for, naming those it has', async () => {
    expect(error(await dispatch('reports:export-encoder', request({ column: 'rlhf' }), ctx))).toMatchObject({
      code: 'NOT_FOUND',
      message: 'Report "study-1" has no encoder column "rlhf"; its columns with an encoder are original, sft, dpo.',
    });
  });

  it('refuses a column whose checkpoint is gone, and a folder that is not absolute, before starting anything', async () => {
    expect(error(await dispatch('reports:export-encoder', request({ column: 'sft' }), ctx))).toMatchObject({
      code: 'NOT_FOUND',
      message: 'The SFT encoder\'s checkpoint /gone/sft-4 (report "study-1") is missing: moved or deleted, so there is nothing to export.',
    });
    expect(error(await dispatch('reports:export-encoder', request({ path: 'relative/out' }), ctx))).toMatchObject({
      code: 'INVALID_REQUEST',
      message: 'Export folder "relative/out" is not an absolute path: give the full path of the folder to write.',
    });
    expect(error(await dispatch('reports:export-encoder', request({ report: '../x' }), ctx)).code).toBe('INVALID_REQUEST');
  });
});
