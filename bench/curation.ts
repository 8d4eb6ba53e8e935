// Benchmark: importing 100,000 preference pairs, then listing / filtering / counting / bulk-editing them the way
// the curation screen does. Run: `npx tsx bench/curation.ts [--pairs N]`; paste the table into bench/RESULTS.md.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { importDataset } from '../src-main/curation/import-dataset';
import { Workspace } from '../src-main/store/workspace';
import type { PairQuery } from '../src-shared/domain/pairs';

const pairsFlag = process.argv.indexOf('--pairs');
const pairs = pairsFlag > 0 ? Number(process.argv[pairsFlag + 1]) : 100_000;
const images = Math.min(2_000, pairs);
const dir = mkdtempSync(join(tmpdir(), 'pivot-bench-'));

async function makeDataset(): Promise<string> {
  mkdirSync(join(dir, 'data', 'images'), { recursive: true });
  for (let i = 0; i < images; i++) {
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: i % 256, g: (i >> 8) * 40, b: 7 } } })
      .png()
      .toBuffer();
    writeFileSync(join(dir, 'data', 'images', `${i}.png`), png);
  }
  const colours = ['red', 'green', 'blue', 'yellow', 'purple', 'orange'];
  const lines: string[] = [];
  for (let i = 0; i < pairs; i++) {
    const c = colours[i % 6]!;
    const r = colours[(i + 1 + (i % 5)) % 6]!;
    lines.push(
      JSON.stringify({
        id: `b${i}`,
        images: [`images/${i % images}.png`],
        prompt: `Image ${i}: what colour is the object number ${i % 97}?`,
        chosen: i % 3 ? `${c}.` : `The object is ${c}, clearly visible near the centre of the image.`,
        rejected: `${r}.`,
      }),
    );
  }
  const file = join(dir, 'data', 'pairs.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function time<T>(fn: () => T): [T, number] {
  const start = performance.now();
  const value = fn();
  return [value, performance.now() - start];
}

/** Median of several runs, for the fast queries the screen issues on every keystroke or scroll. */
function median(fn: () => unknown, runs = 7): number {
  const times = Array.from({ length: runs }, () => time(fn)[1]).sort((a, b) => a - b);
  return times[Math.floor(runs / 2)]!;
}

const file = await makeDataset();
const ws = Workspace.open(join(dir, 'workspace'));
const importStart = performance.now();
const report = await importDataset(ws, file);
const importMs = performance.now() - importStart;
if (report.imported !== pairs) throw new Error(`imported ${report.imported} of ${pairs}`);
const reimportStart = performance.now();
const reimport = await importDataset(ws, file);
const reimportMs = performance.now() - reimportStart;
await ws.pairs.bulk({ filter: { text: 'number 1' } }, { kind: 'status', status: 'accepted' });

const queries: Array<[string, PairQuery]> = [
  ['first page (100)', { limit: 100 }],
  ['page at offset 50,000', { offset: 50_000, limit: 100 }],
  ['status = accepted', { filter: { status: ['accepted'] }, limit: 100 }],
  ['text search "purple"', { filter: { text: 'purple' }, limit: 100 }],
  ['length diff ≥ 20, sorted by it', { filter: { minLengthDiff: 20 }, sort: 'length-diff', descending: true, limit: 100 }],
  ['sort by question, page at 90,000', { sort: 'question', offset: 90_000, limit: 100 }],
];
const rows: string[] = [];
rows.push(`| import ${pairs.toLocaleString('en')} pairs (${images} images) | ${(importMs / 1000).toFixed(2)} s (${Math.round(pairs / (importMs / 1000)).toLocaleString('en')} pairs/s) |`);
rows.push(`| re-import same file (all skipped: ${reimport.skipped}) | ${(reimportMs / 1000).toFixed(2)} s |`);
for (const [name, q] of queries) rows.push(`| list: ${name} | ${median(() => ws.pairs.list(q)).toFixed(1)} ms |`);
rows.push(`| counters per status (no filter) | ${median(() => ws.pairs.counts({})).toFixed(1)} ms |`);
rows.push(`| counters per status (text "purple") | ${median(() => ws.pairs.counts({ text: 'purple' })).toFixed(1)} ms |`);
const bulkStart = performance.now();
const affected = await ws.pairs.bulk({ filter: {} }, { kind: 'add-tag', tag: 'bench' });
const bulkMs = performance.now() - bulkStart;
rows.push(`| bulk add-tag on all ${affected.toLocaleString('en')} pairs | ${(bulkMs / 1000).toFixed(2)} s |`);
rows.push(`| list: tag = bench, page at offset 50,000 | ${median(() => ws.pairs.list({ filter: { tags: ['bench'] }, offset: 50_000 })).toFixed(1)} ms |`);
ws.close();

process.stdout.write(
  `Curation benchmark — ${new Date().toISOString().slice(0, 10)}, ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, Node ${process.version}\n\n` +
    `| operation | time |\n|---|---|\n${rows.join('\n')}\n`,
);
