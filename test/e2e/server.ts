// Starts `pivot serve` as a user would (the real CLI, a fresh workspace) and returns the printed URL; or the same
// command with its runs trained by the engine's test double (test/helpers/pivot-serve-on-double.ts), for a spec that
// holds a run where it can look at it.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SERVE_ON_DOUBLE = fileURLToPath(new URL('../helpers/pivot-serve-on-double.ts', import.meta.url));

export interface ServedWorkspace {
  url: string;
  stop(): void;
}

export function pivot(args: string[]): ChildProcess {
  return spawn(process.execPath, [`${ROOT}/bin/pivot.mjs`, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs a pivot command to completion and returns its stdout; a non-zero exit fails with stderr. */
export function runPivot(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = pivot(args);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`pivot ${args.join(' ')} exited ${code}: ${err}`))));
  });
}

export function servePivot(workspace: string): Promise<ServedWorkspace> {
  return served(pivot(['serve', '--workspace', workspace, '--port', '0']));
}

/** `pivot serve` whose runs train on the test double: its recipes are the double's JSON (test/helpers/training.ts). */
export function servePivotOnDouble(workspace: string): Promise<ServedWorkspace> {
  const args = ['--import', 'tsx', SERVE_ON_DOUBLE, 'serve', '--workspace', workspace, '--port', '0'];
  return served(spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** The URL a starting `pivot serve` prints, and how to stop it. */
function served(child: ChildProcess): Promise<ServedWorkspace> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    let served = false;
    let stopping = false;
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /Open (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/.exec(out);
      if (match) {
        served = true;
        resolve({
          url: match[1]!,
          stop: () => {
            stopping = true;
            child.kill('SIGTERM');
          },
        });
      }
    });
    // A server that dies under a test shows in the page only as "connection lost": say why here.
    child.on('close', (code, signal) => {
      if (!served) reject(new Error(`pivot serve exited ${code}: ${err}`));
      else if (!stopping) console.error(`pivot serve exited during the test (code ${code}, signal ${signal}):\n${err}`);
    });
  });
}
