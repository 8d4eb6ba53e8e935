// Reads a file line by line as bytes, in bounded memory whatever its size, so that each line is decoded (and, when it
// is not UTF-8, refused) on its own and a JSONL dataset of any size streams through without ever being one string.
import { openRegularFile } from './regular-file';

/** Bytes read at a time. */
const CHUNK = 1 << 20;
const NEWLINE = 0x0a;

export interface Line {
  /** 1-based. */
  number: number;
  /** The line without its '\n' (a '\r' before it stays: JSON reads it as whitespace). */
  bytes: Buffer;
}

/** The lines of the regular file `path`, in order; the file is closed when the loop ends, early or not. */
export async function* fileLines(path: string): AsyncGenerator<Line> {
  const { handle } = await openRegularFile(path);
  try {
    const chunk = Buffer.alloc(CHUNK);
    let partial: Buffer[] = [];
    let number = 1;
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, CHUNK, null);
      if (bytesRead === 0) break;
      const data = chunk.subarray(0, bytesRead);
      let start = 0;
      for (let end = data.indexOf(NEWLINE); end !== -1; end = data.indexOf(NEWLINE, start)) {
        // Copied: `chunk` is reused for the next read while the consumer may still hold this line.
        yield { number: number++, bytes: Buffer.concat([...partial, data.subarray(start, end)]) };
        partial = [];
        start = end + 1;
      }
      if (start < bytesRead) partial.push(Buffer.from(data.subarray(start)));
    }
    if (partial.length > 0) yield { number, bytes: Buffer.concat(partial) };
  } finally {
    await handle.close();
  }
}

/** Whether a line holds only whitespace: layout between records, not a record. */
export function isBlank(bytes: Buffer): boolean {
  for (const byte of bytes) if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d && byte !== 0x0b && byte !== 0x0c) return false;
  return true;
}
