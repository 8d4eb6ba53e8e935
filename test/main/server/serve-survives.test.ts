// `pivot serve` as a user runs it survives any WebSocket frame and any request: a bad frame closes that socket with
// the WebSocket close code for it, a missing image is a 404, and the server, the other sockets and the workspace
// go on answering. Frames are written raw over TCP, since a WebSocket client never sends bad ones.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { WireMessage } from '../../../src-shared/ipc/wire';
import { startPivot, type PivotRun } from '../cli/run-pivot';
import { closeCodeAfter, frame } from './raw-websocket';
import { workspaceWithPairs } from '../../helpers/workspace';

let run: PivotRun;
let port = 0;
let token = '';
let missingHash = '';
let watcher: WebSocket;

beforeAll(async () => {
  const ws = await workspaceWithPairs([{ question: 'Q1?' }, { question: 'Q2?' }]);
  // The second pair's image is gone from disk, as after a user tidied the images folder by hand.
  missingHash = ws.pairs.get(2).image;
  rmSync(ws.images.pathFor(missingHash, 'png'));
  const dir = ws.dir;
  ws.close();
  run = startPivot(['serve', '--workspace', dir, '--port', '0']);
  const url = await new Promise<URL>((resolve, reject) => {
    let out = '';
    run.child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const found = /Open (http:\/\/\S+)/.exec(out);
      if (found) resolve(new URL(found[1]!));
    });
    void run.done.then((r) => reject(new Error(`pivot serve exited ${r.code}: ${r.stderr}`)));
  });
  port = Number(url.port);
  token = url.searchParams.get('token')!;
  watcher = await openSocket();
}, 60_000);

afterAll(async () => {
  watcher?.terminate();
  run?.child.kill('SIGTERM');
  await run?.done;
});

function openSocket(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}`);
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

function ask(socket: WebSocket, id: number): Promise<WireMessage> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData): void => {
      const message = JSON.parse(data.toString()) as WireMessage;
      if ('id' in message && message.id === id) {
        socket.off('message', onMessage);
        resolve(message);
      }
    };
    socket.on('message', onMessage);
    socket.send(JSON.stringify({ id, channel: 'pairs:counts', request: {} }));
  });
}

/** The server still answers HTTP, the socket opened before still gets replies, and a new one can open. */
async function expectStillServing(id: number): Promise<void> {
  expect(run.child.exitCode).toBeNull();
  expect((await fetch(`http://127.0.0.1:${port}/images/${'0'.repeat(64)}?token=${token}`)).status).toBe(404);
  expect(await ask(watcher, id)).toMatchObject({ id, result: { ok: true, data: { total: 2 } } });
  const fresh = await openSocket();
  expect(await ask(fresh, id + 1)).toMatchObject({ id: id + 1, result: { ok: true } });
  fresh.close();
}

describe('pivot serve survives bad WebSocket frames', () => {
  it('closes a message over the size limit with 1009 and keeps serving', async () => {
    expect(await closeCodeAfter(port, token, frame(1, Buffer.alloc(0), { declared: 4 * 1024 * 1024 + 1 }))).toBe(1009);
    await expectStillServing(10);
  });

  it('closes a text frame of invalid UTF-8 with 1007 and keeps serving', async () => {
    expect(await closeCodeAfter(port, token, frame(1, Buffer.from([0x7b, 0xff, 0xfe, 0x7d])))).toBe(1007);
    await expectStillServing(20);
  });

  it('closes an unmasked frame with 1002 and keeps serving', async () => {
    expect(await closeCodeAfter(port, token, frame(1, Buffer.from('{"id":1}'), { masked: false }))).toBe(1002);
    await expectStillServing(30);
  });

  it('closes a frame with reserved bits or an unknown opcode with 1002 and keeps serving', async () => {
    expect(await closeCodeAfter(port, token, frame(0x3, Buffer.from('x')))).toBe(1002);
    const rsv = frame(1, Buffer.from('x'));
    rsv[0] = rsv[0]! | 0x40;
    expect(await closeCodeAfter(port, token, rsv)).toBe(1002);
    await expectStillServing(40);
  });

  it('answers 404 for an image whose file is gone, and keeps serving', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/images/${missingHash}?token=${token}`);
    expect(res.status).toBe(404);
    const thumb = await fetch(`http://127.0.0.1:${port}/images/${missingHash}?thumb=1&token=${token}`);
    expect(thumb.status).toBe(404);
    await expectStillServing(50);
  });
});
