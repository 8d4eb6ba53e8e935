// Run from source (as the tests are), the engine host is its TypeScript entry with tsx's loader preloaded by absolute
// URL, so it starts from any working directory.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { engineHostLaunch } from '../../../src-main/engine-jobs/host-entry';

const ENTRY = fileURLToPath(new URL('../../../src-main/engine/host/entry.ts', import.meta.url));

describe('engineHostLaunch from source', () => {
  it('forks entry.ts with tsx preloaded by file URL', () => {
    const { entry, execArgv } = engineHostLaunch();
    expect(entry).toBe(ENTRY);
    expect(existsSync(entry)).toBe(true);
    expect(execArgv).toHaveLength(2);
    expect(execArgv[0]).toBe('--import');
    expect(execArgv[1]).toMatch(/^file:\/\/\/.*\/node_modules\/tsx\/.+\.(m?js|cjs)$/);
    expect(existsSync(fileURLToPath(execArgv[1] as string))).toBe(true);
  });

  it('is the same when the host will load a TypeScript job module', () => {
    expect(engineHostLaunch({ loadsTypeScript: true })).toEqual(engineHostLaunch());
  });
});
