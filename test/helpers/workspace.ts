// Test helpers: a throw-away workspace and pairs to fill it with.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { NewPair } from '../../src-main/store/pairs';
import { Workspace } from '../../src-main/store/workspace';

export function tempDir(prefix = 'pivot-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A solid-colour PNG, distinct per `seed`. */
export async function pngBytes(seed: number, size = 8): Promise<Buffer> {
  return sharp({ create: { width: size, height: size, channels: 3, background: { r: seed % 256, g: (seed * 7) % 256, b: 99 } } })
    .png()
    .toBuffer();
}

/** Stores an image in the workspace and returns it in the form NewPair wants. */
export async function storedImage(ws: Workspace, seed: number): Promise<NewPair['image']> {
  const bytes = await pngBytes(seed);
  return { hash: ws.images.put(bytes, 'png'), format: 'png', width: 8, height: 8, bytes: bytes.length };
}

export async function workspaceWithPairs(
  pairs: Array<Partial<Omit<NewPair, 'image'>>>,
  dataset = 'test/pairs.jsonl',
): Promise<Workspace> {
  const ws = Workspace.open(tempDir());
  const datasetId = ws.pairs.ensureDataset(dataset, 'trl', null);
  const rows: NewPair[] = [];
  for (const [i, p] of pairs.entries()) {
    rows.push({
      image: await storedImage(ws, i),
      question: p.question ?? `Question ${i}?`,
      chosen: p.chosen ?? `Chosen ${i}.`,
      rejected: p.rejected ?? `Rejected ${i}.`,
      origin: p.origin ?? {},
      ...(p.split ? { split: p.split } : {}),
    });
  }
  ws.pairs.insertMany(datasetId, rows);
  return ws;
}
