// WebSocket frames written by hand over TCP, for testing how `pivot serve` takes frames no WebSocket client sends.
import { randomBytes } from 'node:crypto';
import { connect as tcpConnect, type Socket } from 'node:net';

/** A client frame: FIN set, `opcode`, the payload length as written (`declared`), masked unless `masked` is false. */
export function frame(opcode: number, payload: Buffer, options: { masked?: boolean; declared?: number } = {}): Buffer {
  const masked = options.masked ?? true;
  const length = options.declared ?? payload.length;
  const maskBit = masked ? 0x80 : 0;
  let header: Buffer;
  if (length < 126) header = Buffer.from([0x80 | opcode, maskBit | length]);
  else if (length < 65536) header = Buffer.from([0x80 | opcode, maskBit | 126, length >> 8, length & 0xff]);
  else {
    header = Buffer.alloc(10);
    header[0] = 0x80 | opcode;
    header[1] = maskBit | 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  if (!masked) return Buffer.concat([header, payload]);
  const mask = randomBytes(4);
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
  return Buffer.concat([header, mask, body]);
}

/** Opens a WebSocket to `pivot serve` by hand, writes `bytes`, and resolves with the code of the server's close frame. */
export function closeCodeAfter(port: number, token: string, bytes: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket: Socket = tcpConnect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    let upgraded = false;
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`closed without a close frame: ${received.toString('latin1').slice(0, 200)}`)));
    socket.on('connect', () =>
      socket.write(
        `GET /ws?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      ),
    );
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (!upgraded) {
        const end = received.indexOf('\r\n\r\n');
        if (end < 0) return;
        if (!received.subarray(0, 12).equals(Buffer.from('HTTP/1.1 101'))) reject(new Error(`no upgrade: ${received.toString('latin1')}`));
        upgraded = true;
        received = received.subarray(end + 4);
        socket.write(bytes);
      }
      // The server's close frame: opcode 8, unmasked, the code in the first two payload bytes.
      if (received.length >= 4 && (received[0]! & 0x0f) === 8) {
        socket.removeAllListeners('close');
        socket.destroy();
        resolve(received.readUInt16BE(2));
      }
    });
  });
}
