// `pivot` runs the built CLI only while no source file is newer than it, so that an edit is never hidden behind an
// old build; PIVOT_FROM_SOURCE=1 asks for the sources regardless.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FROM_SOURCE_ENV, upToDateBuiltCli } from '../../bin/built-cli.mjs';

const BUILT_AT = new Date('2026-12-01T12:00:00Z');
const BEFORE = new Date('2026-12-01T11:00:00Z');
const AFTER = new Date('2026-12-01T13:00:00Z');

let root: string;

function file(path: string, time: Date): void {
  const full = join(root, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, '');
  utimesSync(full, time, time);
}

const CLI = (): string => join(root, 'out', 'main', 'cli.js');

describe('upToDateBuiltCli', () => {
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'pivot-built-cli-'));
    file('src-main/cli/main.ts', BEFORE);
    file('src-main/engine/train/deep/step.ts', BEFORE);
    file('src-shared/errors.ts', BEFORE);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('runs the build when every source file is older than it', () => {
    file('out/main/cli.js', BUILT_AT);
    expect(upToDateBuiltCli(root, {})).toBe(CLI());
  });

  it('runs the sources when there is no build', () => {
    expect(upToDateBuiltCli(root, {})).toBeNull();
  });

  it('runs the sources when a file deep in src-main is newer than the build', () => {
    file('out/main/cli.js', BUILT_AT);
    file('src-main/engine/train/deep/step.ts', AFTER);
    expect(upToDateBuiltCli(root, {})).toBeNull();
  });

  it('runs the sources when a file in src-shared is newer than the build', () => {
    file('out/main/cli.js', BUILT_AT);
    file('src-shared/errors.ts', AFTER);
    expect(upToDateBuiltCli(root, {})).toBeNull();
  });

  it('ignores the native addon\'s C++ folder and files that are not TypeScript', () => {
    file('out/main/cli.js', BUILT_AT);
    file('src-main/native/src/kernels/gemm.ts', AFTER);
    file('src-main/engine/backend/wasm/README.md', AFTER);
    expect(upToDateBuiltCli(root, {})).toBe(CLI());
  });

  it(`runs the sources with ${FROM_SOURCE_ENV}=1 even when the build is up to date`, () => {
    file('out/main/cli.js', BUILT_AT);
    expect(upToDateBuiltCli(root, { [FROM_SOURCE_ENV]: '1' })).toBeNull();
    expect(upToDateBuiltCli(root, { [FROM_SOURCE_ENV]: '0' })).toBe(CLI());
  });
});

describe('pivot without a build or tsx (an installed package whose build is missing)', () => {
  it('exits 70 and says to build', () => {
    const bin = fileURLToPath(new URL('../../bin/', import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), 'pivot-no-tsx-'));
    try {
      mkdirSync(join(dir, 'bin'));
      for (const name of ['pivot.mjs', 'built-cli.mjs']) copyFileSync(join(bin, name), join(dir, 'bin', name));
      const run = spawnSync(process.execPath, [join(dir, 'bin', 'pivot.mjs'), '--help'], { cwd: dir, encoding: 'utf8' });
      expect(run.status).toBe(70);
      expect(run.stderr).toContain('run `npm run build`');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
