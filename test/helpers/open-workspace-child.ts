// A process that opens a workspace and files a dataset in it, for the tests of processes racing on one workspace:
// `node --import tsx open-workspace-child.ts <dir> <dataset> <go-file> [count]` prints "ready", waits until
// <go-file> exists (so that every process starts at the same moment), then files <dataset> (or, given a count,
// <dataset>-0 … <dataset>-<count - 1>) and prints the ids, or the error and exits 1.
import { existsSync } from 'node:fs';
import { Workspace } from '../../src-main/store/workspace';

const [dir, dataset, goFile, count] = process.argv.slice(2) as [string, string, string, string | undefined];
const names = count === undefined ? [dataset] : Array.from({ length: Number(count) }, (_, i) => `${dataset}-${i}`);
process.stdout.write('ready\n');
const pause = new Int32Array(new SharedArrayBuffer(4));
while (!existsSync(goFile)) Atomics.wait(pause, 0, 0, 2);
try {
  const ws = Workspace.open(dir);
  process.stdout.write(`${names.map((name) => ws.pairs.ensureDataset(name, 'trl', null)).join(' ')}\n`);
  ws.close();
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exitCode = 1;
}
