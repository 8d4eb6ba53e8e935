// Registering the commands (all `pivot --help` does) loads no engine: TensorFlow.js, sharp and SQLite load only in
// the handlers of the commands that use them, so the CLI starts at once.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** Records every module URL the loader resolves, then builds the program as `pivot` does; prints the URLs. */
const SCRIPT = `
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
const { port1, port2 } = new MessageChannel();
const urls = [];
port1.on('message', (url) => urls.push(url));
const hook = 'let port; export function initialize(data) { port = data.port; }' +
  'export async function resolve(specifier, context, next) { const r = await next(specifier, context); port.postMessage(r.url); return r; }';
register('data:text/javascript,' + encodeURIComponent(hook), { data: { port: port2 }, transferList: [port2] });
const { buildProgram } = await import('./src-main/cli/main.ts');
buildProgram();
setTimeout(() => { port1.close(); process.stdout.write(JSON.stringify(urls)); }, 200);
`;

function modulesLoadedByRegistering(): string[] {
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT], { cwd: ROOT, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`the probe failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as string[];
}

describe('pivot --help', () => {
  it('loads commander and the command files, but no tfjs, sharp, SQLite, engine backend or server', () => {
    const urls = modulesLoadedByRegistering();
    expect(urls.some((u) => u.endsWith('/src-main/cli/data.ts'))).toBe(true);
    expect(urls.some((u) => u.includes('/node_modules/commander/'))).toBe(true);
    const heavy = urls.filter((u) => /\/node_modules\/(@tensorflow|sharp|@img|better-sqlite3|ws)\/|\/src-main\/(engine\/backend|store|server|runs)\//.test(u));
    expect(heavy).toEqual([]);
  });
});
