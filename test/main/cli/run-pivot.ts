// Runs the real `pivot` command (bin/pivot.mjs) as a user would, for the CLI tests: the build when it is up to date
// with the sources, else the sources through tsx (bin/built-cli.mjs), so the tests always run the current code.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export interface PivotRun {
  child: ChildProcess;
  /** Resolves when the command has exited. */
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/**
 * Starts `pivot args…`; `detached` gives it its own process group (so a test can Ctrl+C the group); `entry` runs
 * another script of the same command line (given as node arguments) instead of bin/pivot.mjs.
 */
export function startPivot(args: string[], env: Record<string, string> = {}, detached = false, entry = [`${ROOT}/bin/pivot.mjs`]): PivotRun {
  const child = spawn(process.execPath, [...entry, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached,
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done };
}
