// `pivot serve`'s report files: `/reports/<name>/examples/<file>` with the token, by report and file name only.
import { execFileSync } from 'node:child_process';
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serve, type RunningServer } from '../../../src-main/server/serve';
import { readReport, realReportFilePath, reportFilePath } from '../../../src-main/reports/report-files';
import { tempDir, workspaceWithPairs } from '../../helpers/workspace';

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

async function start() {
  const rendererDir = tempDir();
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>PIVOT</title>');
  const ws = await workspaceWithPairs([{ question: 'Q1?' }]);
  const dir = join(ws.dir, 'reports', 'r1');
  mkdirSync(join(dir, 'examples'), { recursive: true });
  writeFileSync(join(dir, 'examples', 'gc-00-a-image.png'), PNG);
  writeFileSync(join(dir, 'report.json'), '{}');
  writeFileSync(join(ws.dir, 'reports', 'secret.png'), 'SECRET');
  writeFileSync(join(ws.dir, 'secret.png'), 'SECRET');
  server = await serve({ workspace: ws, rendererDir, port: 0 });
  return { server, ws, base: `http://127.0.0.1:${server.port}` };
}

/** A GET with the path sent as written (fetch would normalise `..`). */
function rawGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('latin1')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('report files over pivot serve', () => {
  it('serves an example PNG with the token and refuses it without', async () => {
    const { server, base } = await start();
    const ok = await fetch(`${base}/reports/r1/examples/gc-00-a-image.png?token=${server.token}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await ok.arrayBuffer())).toEqual(PNG);
    expect((await fetch(`${base}/reports/r1/examples/gc-00-a-image.png`)).status).toBe(401);
    expect((await fetch(`${base}/reports/r1/examples/gc-00-a-image.png?token=wrong`)).status).toBe(401);
  });

  it('refuses ../, a name with "/", files outside examples/ and missing files', async () => {
    const { server } = await start();
    const t = `?token=${server.token}`;
    const paths = [
      `/reports/r1/../secret.png${t}`,
      `/reports/r1/examples/../../secret.png${t}`,
      `/reports/r1/examples/..%2F..%2Fsecret.png${t}`,
      `/reports/r1%2Fexamples/gc-00-a-image.png${t}`,
      `/reports/..%2Freports%2Fr1/examples/gc-00-a-image.png${t}`,
      `/reports/r1/report.json${t}`,
      `/reports/r1/examples/sub/x.png${t}`,
      `/reports/r1/examples/x.txt${t}`,
      `/reports/r1/examples/missing.png${t}`,
      `/reports/r2/examples/gc-00-a-image.png${t}`,
    ];
    for (const path of paths) {
      const { status, body } = await rawGet(server.port, path);
      expect(status, path).toBe(404);
      expect(body, path).not.toContain('SECRET');
    }
    // The URL parser turns an encoded `..` name into `/secret.png`: not the report route, and never the file.
    const normalised = await rawGet(server.port, `/reports/%2E%2E/secret.png${t}`);
    expect(normalised.body).not.toContain('SECRET');
  });

  it('checks names and files in the shared helper', () => {
    const ws = '/w';
    expect(reportFilePath(ws, 'r1', 'examples/a.png')).toBe(join('/w', 'reports', 'r1', 'examples', 'a.png'));
    for (const [name, file] of [['..', 'examples/a.png'], ['a/b', 'examples/a.png'], ['r1', 'examples/../a.png'], ['r1', 'report.json'], ['r1', 'examples/..png'], ['r1', '/etc/passwd']]) {
      expect(() => reportFilePath(ws, name as string, file as string), `${name} ${file}`).toThrow();
    }
  });

  it('attaches examples.json to the report when report.json names it, and loads reports without it', async () => {
    const { ws } = await start();
    const dir = join(ws.dir, 'reports', 'r1');
    const report = { version: 1, tool: 'pivot demo', date: 'd', backend: 'cpu', recipe: { name: 'x' }, seeds: [0], encoders: {}, rows: [], details: {}, files: {} as Record<string, string> };
    writeFileSync(join(dir, 'report.json'), JSON.stringify(report));
    expect((await readReport(ws.dir, 'r1')).examplesIndex).toBeUndefined();
    report.files.examples = 'examples/examples.json';
    writeFileSync(join(dir, 'report.json'), JSON.stringify(report));
    writeFileSync(join(dir, 'examples', 'examples.json'), JSON.stringify({
      gradcam: [{ id: 'a', question: 'Q?', image: 'examples/a.png', mask: 'examples/m.png', maps: { sft: 'examples/s.png', dpo: '../evil.png' }, focus: { sft: 0.5 } }],
      segmentation: [],
      classes: [{ id: 0, name: 'bg', rgb: [0, 0, 0] }],
    }));
    const index = (await readReport(ws.dir, 'r1')).examplesIndex!;
    expect(index.gradcam[0]!.maps).toEqual({ sft: 'examples/s.png' });
    expect(index.classes).toHaveLength(1);
  });

  it('refuses links that lead out of the reports folder, over the server and in the shared helper', async () => {
    const { server, ws } = await start();
    const outside = tempDir();
    writeFileSync(join(outside, 'secret.json'), '{"secret":"SECRET"}');
    const examples = join(ws.dir, 'reports', 'r1', 'examples');
    symlinkSync(join(outside, 'secret.json'), join(examples, 'x.json'));
    symlinkSync('/etc/passwd', join(examples, 'passwd.json'));
    symlinkSync(join(ws.dir, 'workspace.sqlite'), join(examples, 'db.json'));
    symlinkSync(outside, join(ws.dir, 'reports', 'linked'));
    mkdirSync(join(outside, 'examples'));
    writeFileSync(join(outside, 'examples', 'a.png'), 'SECRET');
    // A link that stays inside the reports folder is served like the file it names.
    symlinkSync(join(examples, 'gc-00-a-image.png'), join(examples, 'alias.png'));
    execFileSync('mkfifo', [join(examples, 'fifo.json')]);

    for (const path of ['r1/examples/x.json', 'r1/examples/passwd.json', 'r1/examples/db.json', 'linked/examples/a.png', 'r1/examples/fifo.json']) {
      const { status, body } = await rawGet(server.port, `/reports/${path}?token=${server.token}`);
      expect(status, path).toBe(404);
      expect(body, path).not.toMatch(/SECRET|root:|SQLite/);
    }
    const alias = await rawGet(server.port, `/reports/r1/examples/alias.png?token=${server.token}`);
    expect(alias.status).toBe(200);
    expect(Buffer.from(alias.body, 'latin1')).toEqual(PNG);

    const reports = realpathSync(join(ws.dir, 'reports'));
    await expect(realReportFilePath(ws.dir, 'r1', 'examples/x.json')).rejects.toMatchObject({
      code: 'PATH_OUTSIDE_FOLDER',
      message: `${join(examples, 'x.json')} links outside the workspace's reports folder (${reports}): it is not served.`,
    });
    await expect(realReportFilePath(ws.dir, 'linked', 'examples/a.png')).rejects.toMatchObject({ code: 'PATH_OUTSIDE_FOLDER' });
    await expect(realReportFilePath(ws.dir, 'r1', 'examples/fifo.json')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(realReportFilePath(ws.dir, 'r1', 'examples/missing.png')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'Report "r1" has no file examples/missing.png.',
    });
    await expect(realReportFilePath(ws.dir, 'r1', 'examples/alias.png')).resolves.toBe(join(reports, 'r1', 'examples', 'gc-00-a-image.png'));
  });
});
