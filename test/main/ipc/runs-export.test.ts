// `runs:export` through dispatch, as both transports call it: a bad request refused with zod's words, runs that
// cannot be exported refused with the reason, and a real run of the engine (shapes-quick, sft) exported on an engine
// host into a folder that loads back as the run's encoder — also while another run is training.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/engine/backend/select';
import * as tf from '../../../src-main/engine/backend/tf';
import { forkEngineHost } from '../../../src-main/engine-jobs/fork';
import { loadVisionModel } from '../../../src-main/engine/models/hf/load-vision-model';
import { dispatch } from '../../../src-main/ipc/dispatch';
import type { HandlerContext } from '../../../src-main/ipc/handlers';
import { RunManager } from '../../../src-main/runs/run-manager';
import { WorkspaceJobs } from '../../../src-main/ipc/workspace-jobs';
import { Workspace } from '../../../src-main/store/workspace';
import type { RunInfo } from '../../../src-shared/domain/runs';
import type { EncoderExportReport, Events, Result } from '../../../src-shared/ipc/contract';
import { checkTestRecipe, testHost, testRecipe, until } from '../../helpers/training';
import { tempDir } from '../../helpers/workspace';

const FILES = ['README.md', 'config.json', 'model.safetensors', 'preprocessor_config.json'];
let workspace: Workspace;
let trained: RunInfo;
let ctx: HandlerContext;
let progress: Array<Events['job:progress']>;
/** The backend an engine host picks when none is named (the export does not name one). */
let bestBackend: string;

beforeAll(async () => {
  workspace = Workspace.open(tempDir('pivot-runs-export-'));
  // A real run of the engine on its own host: the tiny shapes-quick recipe, sft branch.
  const engine = new RunManager(workspace, { launch: () => forkEngineHost(), emit: () => undefined });
  trained = await engine.finished((await engine.start({ recipe: 'shapes-quick', objective: 'sft', backend: 'wasm', name: 'tiny' })).id);
  await engine.close();
  bestBackend = (await selectBackend()).name;
  // Further runs train on the engine's test double; exports always run the real exporter.
  progress = [];
  const emit = <E extends keyof Events>(event: E, payload: Events[E]): void => {
    if (event === 'job:progress') progress.push(payload as Events['job:progress']);
  };
  ctx = { workspace, emit, jobs: new WorkspaceJobs(workspace, { launch: testHost, checkRecipe: checkTestRecipe, emit }) };
}, 120_000);

afterAll(async () => {
  await ctx.jobs?.close();
  workspace.close();
});

function data<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.data as T;
}

/** The encoder's last hidden state on a fixed input. */
async function outputs(dir: string): Promise<number[]> {
  const model = await loadVisionModel(dir);
  const size = model.config.image_size;
  const pixels = tf.randomNormal([1, 3, size, size], 0, 1, 'float32', 7) as tf.Tensor4D;
  const out = model.forward(pixels);
  const values = Array.from(out.lastHiddenState.dataSync());
  tf.dispose([pixels, out.lastHiddenState, ...(out.poolerOutput ? [out.poolerOutput] : [])]);
  model.dispose();
  return values;
}

describe('runs:export', () => {
  it('refuses a bad request with the contract\'s message', async () => {
    const result = await dispatch('runs:export', { id: 0, path: ' ', withProjector: 'yes', job: 'export-1', extra: 1 }, ctx);
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_REQUEST',
        message:
          'Invalid request for runs:export: ✖ Unrecognized key: "extra"\n✖ Too small: expected number to be >0\n  → at id\n' +
          '✖ Too small: expected string to have >=1 characters\n  → at path\n✖ Invalid input: expected boolean, received string\n  → at withProjector',
      },
    });
  });

  it('refuses an unknown run, a run still queued and a run that ended without a checkpoint', async () => {
    const out = join(tempDir('pivot-export-out-'), 'encoder');
    const request = (id: number) => dispatch('runs:export', { id, path: out, job: 'export-1' }, ctx);
    expect(await request(99)).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'No run 99 in this workspace.', details: { id: 99 } } });
    const queued = workspace.runs.create({ recipe: 'shapes-quick', objective: 'sft', backend: null, data: null, ownerPid: process.pid });
    expect(await request(queued.id)).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', message: `Run ${queued.id} is queued: export its encoder once it has finished.` } });
    workspace.runs.update(queued.id, { status: 'failed', error: 'loss is NaN at step 2', endedAt: new Date().toISOString() });
    expect(await request(queued.id)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST', message: `Run ${queued.id} ended failed without a final checkpoint, so it has no trained encoder to export; train it again.` },
    });
    expect(progress).toEqual([]);
  });

  it('refuses a relative folder, a file, and a folder holding files unless told to overwrite', async () => {
    const parent = tempDir('pivot-export-out-');
    const request = (path: string) => dispatch('runs:export', { id: trained.id, path, job: 'export-1' }, ctx);
    expect(await request('encoders/tiny')).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST', message: 'Export folder "encoders/tiny" is not an absolute path: give the full path of the folder to write.' },
    });
    writeFileSync(join(parent, 'notes.txt'), 'mine');
    expect(await request(join(parent, 'notes.txt'))).toMatchObject({
      ok: false,
      error: { message: `${join(parent, 'notes.txt')} is a file: choose a folder to export into.` },
    });
    expect(await request(parent)).toMatchObject({
      ok: false,
      error: { message: `${parent} is not empty (1 entry): choose a new or empty folder, or overwrite to replace what it holds.` },
    });
    expect(readdirSync(parent)).toEqual(['notes.txt']);
  });

  it('exports the trained run on an engine host: a folder that loads back as the run\'s encoder, progress on the job', async () => {
    expect(trained).toMatchObject({ status: 'completed', result: { finalCheckpoint: join(trained.runDir, 'checkpoints', 'sft-8') } });
    const checkpoint = join(trained.runDir, 'checkpoints', 'sft-8');
    const out = join(tempDir('pivot-export-out-'), 'tiny-encoder');
    progress.length = 0;
    const report = data<EncoderExportReport>(await dispatch('runs:export', { id: trained.id, path: out, job: 'export-7' }, ctx));
    expect(report).toEqual({
      out, checkpoint, runDir: trained.runDir, stage: 'sft', step: 8, objective: 'sft', architecture: 'SiglipVisionModel',
      modelType: 'siglip_vision_model', baseModel: null, withProjector: false, files: FILES, maxRelativeError: 0,
    });
    expect(progress).toEqual([
      { job: 'export-7', done: 0, total: 2, label: 'starting the engine…' },
      { job: 'export-7', done: 1, total: 2, label: `writing and checking the export (${bestBackend})…` },
      { job: 'export-7', done: 2, total: 2, label: 'exported and checked' },
    ]);
    expect(readdirSync(out).sort()).toEqual(FILES);
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'))).toMatchObject({ model_type: 'siglip_vision_model', hidden_size: 64, image_size: 32 });
    expect(JSON.parse(readFileSync(join(out, 'preprocessor_config.json'), 'utf8'))).toMatchObject({ image_processor_type: 'SiglipImageProcessor', size: { height: 32, width: 32 } });
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toContain('PIVOT SFT-trained SiglipVisionModel');
    expect(await outputs(out)).toEqual(await outputs(join(checkpoint, 'encoder')));

    // The folder now holds the export: a second one needs overwrite, and replaces it (with the projector this time).
    expect(await dispatch('runs:export', { id: trained.id, path: out, job: 'export-8' }, ctx)).toMatchObject({
      ok: false,
      error: { message: `${out} is not empty (4 entries): choose a new or empty folder, or overwrite to replace what it holds.` },
    });
    const again = data<EncoderExportReport>(await dispatch('runs:export', { id: trained.id, path: out, withProjector: true, overwrite: true, job: 'export-9' }, ctx));
    expect(again.files).toEqual([...FILES, 'projector.safetensors']);
    expect(readdirSync(out).sort()).toEqual([...FILES, 'projector.safetensors']);
  }, 60_000);

  it('exports while another run trains, on a host of its own: the training goes on meanwhile', async () => {
    const recipe = testRecipe({ stages: [{ name: 'sft', steps: 3000 }], stepMs: 10 });
    const training = await ctx.jobs!.runs.start({ recipe, objective: 'sft' });
    const stepNow = () => workspace.runs.get(training.id).progress?.step ?? 0;
    await until(() => stepNow() > 0, 'the run to report a step');
    const before = stepNow();
    const report = data<EncoderExportReport>(await dispatch('runs:export', { id: trained.id, path: join(tempDir('pivot-export-out-'), 'enc'), job: 'export-10' }, ctx));
    expect(report.maxRelativeError).toBe(0);
    expect(workspace.runs.get(training.id).status).toBe('running');
    expect(stepNow()).toBeGreaterThan(before);
    ctx.jobs!.runs.cancel(training.id);
    expect((await ctx.jobs!.runs.finished(training.id)).status).toBe('cancelled');
  }, 60_000);
});
