// `pivot serve`'s pairs download: the JSONL of the pairs a filter matches, byte for byte what Export writes to a file,
// as an attachment; a malformed filter is a 400 naming the field, and the token is required.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exportDataset } from '../../../src-main/curation/export-dataset';
import { serve, type RunningServer } from '../../../src-main/server/serve';
import { tempDir, workspaceWithPairs } from '../../helpers/workspace';

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('GET /export/pairs.jsonl', () => {
  it('sends the filtered pairs as the JSONL a file export writes, and refuses a bad filter or a missing token', async () => {
    const rendererDir = tempDir();
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>PIVOT</title>');
    const ws = await workspaceWithPairs([{}, {}, {}]);
    ws.pairs.update(1, { status: 'accepted' });
    ws.pairs.update(3, { status: 'accepted' });
    server = await serve({ workspace: ws, rendererDir, port: 0 });
    const base = `http://127.0.0.1:${server.port}/export/pairs.jsonl`;
    const filter = encodeURIComponent(JSON.stringify({ status: ['accepted'] }));

    const res = await fetch(`${base}?filter=${filter}&token=${server.token}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="pairs.jsonl"');
    const body = await res.text();
    const file = join(tempDir(), 'accepted.jsonl');
    await exportDataset(ws, file, { status: ['accepted'] });
    expect(body).toBe(readFileSync(file, 'utf8'));
    expect(body.trim().split('\n').map((line) => (JSON.parse(line) as { id: number }).id)).toEqual([1, 3]);

    const bad = await fetch(`${base}?filter=${encodeURIComponent('{"status":["maybe"]}')}&token=${server.token}`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/^The filter parameter's field "status.0" /);
    expect((await fetch(`${base}?filter=nope&token=${server.token}`)).status).toBe(400);
    expect((await fetch(base)).status).toBe(401);
  });
});
