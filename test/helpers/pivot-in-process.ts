// Test helper for the CLI tests that need no child process: runs `pivot args…` through `main` in the test's own
// process, capturing what it prints (the spawned command is test/main/cli/run-pivot.ts).
import { vi } from 'vitest';
import { main } from '../../src-main/cli/main';

/** Runs `pivot args…` in this process, returning its exit status and what it printed to stdout and stderr. */
export async function pivotInProcess(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  const code = await main(['node', 'pivot', ...args]);
  vi.restoreAllMocks();
  return { code, stdout, stderr };
}
