// Electron's `pivot-image://report/…` handler, with electron mocked: it shares realReportFilePath with `pivot serve`,
// so a link inside a report that leads out of the reports folder is a 404 here too.
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it, vi } from 'vitest';
import { tempDir, workspaceWithPairs } from '../../helpers/workspace';

let handler: ((request: { url: string }) => Promise<Response>) | undefined;

vi.mock('electron', () => ({
  protocol: { handle: (_scheme: string, fn: typeof handler) => (handler = fn), registerSchemesAsPrivileged: vi.fn() },
  // Electron's net.fetch reads file:// URLs; here the test reads the file the handler asks for.
  net: { fetch: async (url: string) => new Response(readFileSync(fileURLToPath(url))) },
}));

it('serves a report file by its real path and refuses a link out of the reports folder', async () => {
  const { handleImageProtocol } = await import('../../../src-main/app/image-protocol');
  const { IMAGE_PROTOCOL } = await import('../../../src-shared/ipc/wire');
  const ws = await workspaceWithPairs([{}]);
  const examples = join(ws.dir, 'reports', 'r1', 'examples');
  mkdirSync(examples, { recursive: true });
  writeFileSync(join(examples, 'a.png'), 'PNG BYTES');
  const outside = tempDir();
  writeFileSync(join(outside, 'secret.json'), '{"secret":1}');
  symlinkSync(join(outside, 'secret.json'), join(examples, 'x.json'));
  symlinkSync('/etc/passwd', join(examples, 'passwd.json'));
  handleImageProtocol(() => ws);

  const ok = await handler!({ url: `${IMAGE_PROTOCOL}://report/r1/examples/a.png` });
  expect(ok.status).toBe(200);
  expect(ok.headers.get('content-type')).toBe('image/png');
  expect(await ok.text()).toBe('PNG BYTES');
  for (const file of ['x.json', 'passwd.json', 'missing.png']) {
    const refused = await handler!({ url: `${IMAGE_PROTOCOL}://report/r1/examples/${file}` });
    expect(refused.status, file).toBe(404);
    expect(await refused.text()).toBe('not found');
  }
});

it('answers 404 for an image whose file is gone, for its thumbnail, and when no workspace is open', async () => {
  const { handleImageProtocol } = await import('../../../src-main/app/image-protocol');
  const { IMAGE_PROTOCOL } = await import('../../../src-shared/ipc/wire');
  const ws = await workspaceWithPairs([{}, {}]);
  handleImageProtocol(() => ws);
  const present = ws.pairs.get(1).image;
  const gone = ws.pairs.get(2).image;
  rmSync(ws.images.pathFor(gone, 'png'));
  expect((await handler!({ url: `${IMAGE_PROTOCOL}://image/${present}` })).status).toBe(200);
  for (const url of [`${IMAGE_PROTOCOL}://image/${gone}`, `${IMAGE_PROTOCOL}://image/${gone}?thumb=1`, `${IMAGE_PROTOCOL}://image/../workspace.sqlite`]) {
    const res = await handler!({ url });
    expect(res.status, url).toBe(404);
    expect(await res.text()).toBe('not found');
  }
  handleImageProtocol(() => {
    throw new Error('No workspace is open');
  });
  expect((await handler!({ url: `${IMAGE_PROTOCOL}://image/${present}` })).status).toBe(404);
});
