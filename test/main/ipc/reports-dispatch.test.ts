// The reports channels through dispatch: the workspace's `reports/<name>/report.json` listed newest first (folders
// without a report left out) and read back, names confined to the reports folder, and the demo's --workspace folder.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { studyOutDir, reportFolderName } from '../../../src-main/cli/study';
import { dispatch } from '../../../src-main/ipc/dispatch';
import type { HandlerContext } from '../../../src-main/ipc/handlers';
import type { ReportSummary, StudyReport } from '../../../src-shared/domain/study-report';
import type { Result } from '../../../src-shared/ipc/contract';
import { workspaceWithPairs } from '../../helpers/workspace';

function report(date: string, recipe = 'shapes-quick'): Record<string, unknown> {
  const cell = { mean: 0.5, std: 0.1, spread: 'seeds', values: [0.4, 0.6], seeds: [0, 1], chance: 0.25, ceiling: 1, protocol: 'p', note: '' };
  const encoder = (column: string) => ({ column, stage: column, checkpoint: `/c/${column}`, encoder: `/c/${column}/encoder`, note: '' });
  return {
    version: 1, tool: 'pivot demo', date, backend: 'cpu', out: '/x', runDir: '/x/run',
    recipe: { name: recipe, source: '/r.yaml', resolved: {} },
    world: { folder: '/w', images: 8, testImages: 2, pairs: 16 },
    seeds: [0, 1],
    encoders: { original: encoder('original'), sft: encoder('sft'), dpo: encoder('dpo') },
    rows: [{ key: 'linear', label: 'linear probe acc', protocol: 'p', cells: { original: cell, sft: cell, dpo: { ...cell, mean: null } }, delta: null }],
    details: {}, training: {}, durationsMs: {}, files: { json: '/x/report.json', html: '/x/report.html' }, notes: [],
  };
}

async function context(): Promise<HandlerContext> {
  const workspace = await workspaceWithPairs([]);
  return { workspace, emit: () => {} };
}

function write(ctx: HandlerContext, name: string, data: unknown): void {
  const dir = join(ctx.workspace.dir, 'reports', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'report.json'), typeof data === 'string' ? data : JSON.stringify(data));
}

function data<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.data as T;
}

describe('reports channels', () => {
  it('lists nothing when the workspace has no reports folder', async () => {
    const ctx = await context();
    expect(data<ReportSummary[]>(await dispatch('reports:list', {}, ctx))).toEqual([]);
  });

  it('lists the reports newest first, leaving out folders without a valid report.json', async () => {
    const ctx = await context();
    write(ctx, '2026-01-01_00-00-00', report('2026-01-01T00:00:00.000Z'));
    write(ctx, 'later', report('2026-02-01T00:00:00.000Z', 'shapes-study'));
    write(ctx, 'broken', '{ not json');
    write(ctx, 'not-a-report', { hello: 1 });
    mkdirSync(join(ctx.workspace.dir, 'reports', 'empty'));
    writeFileSync(join(ctx.workspace.dir, 'reports', 'stray.json'), '{}');
    expect(data<ReportSummary[]>(await dispatch('reports:list', {}, ctx))).toEqual([
      { name: 'later', date: '2026-02-01T00:00:00.000Z', recipe: 'shapes-study', backend: 'cpu', encoders: ['original', 'sft', 'dpo'] },
      { name: '2026-01-01_00-00-00', date: '2026-01-01T00:00:00.000Z', recipe: 'shapes-quick', backend: 'cpu', encoders: ['original', 'sft', 'dpo'] },
    ]);
  });

  it('gets a report as report.json has it (null for a non-finite mean), and says which are missing or unreadable', async () => {
    const ctx = await context();
    write(ctx, 'one', report('2026-01-01T00:00:00.000Z'));
    write(ctx, 'broken', '{ not json');
    const got = data<StudyReport>(await dispatch('reports:get', { name: 'one' }, ctx));
    expect(got).toEqual(report('2026-01-01T00:00:00.000Z'));
    expect(got.rows[0]!.cells.dpo!.mean).toBeNull();
    expect(await dispatch('reports:get', { name: 'two' }, ctx)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await dispatch('reports:get', { name: 'broken' }, ctx)).toMatchObject({ ok: false, error: { code: 'FILE_UNREADABLE' } });
  });

  it('refuses names that could leave the reports folder', async () => {
    const ctx = await context();
    // A report.json one level up, which `../x` would otherwise reach.
    write(ctx, 'x', report('2026-01-01T00:00:00.000Z'));
    mkdirSync(join(ctx.workspace.dir, 'x'), { recursive: true });
    writeFileSync(join(ctx.workspace.dir, 'x', 'report.json'), JSON.stringify(report('2020-01-01T00:00:00.000Z')));
    for (const name of ['../x', '..', 'a/b', 'a\\b', '../../etc', '/etc', '']) {
      const result = await dispatch('reports:get', { name }, ctx);
      expect(result, name).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    }
    expect(await dispatch('reports:get', { name: 'x', extra: 1 }, ctx)).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    expect(data<StudyReport>(await dispatch('reports:get', { name: 'x' }, ctx)).date).toBe('2026-01-01T00:00:00.000Z');
  });

  it('pivot demo --workspace writes into <workspace>/reports/<date-time> unless --out is given', () => {
    const date = new Date('2026-11-26T05:53:50.009Z');
    expect(reportFolderName(date)).toBe('2026-11-26_05-53-50');
    expect(studyOutDir({ workspace: '/ws' }, date)).toBe('/ws/reports/2026-11-26_05-53-50');
    expect(studyOutDir({ workspace: '/ws', out: '/elsewhere' }, date)).toBe('/elsewhere');
    expect(studyOutDir({}, date)).toBe(join(process.cwd(), 'pivot-demo'));
  });
});
