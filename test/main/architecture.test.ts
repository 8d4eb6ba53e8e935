// The layering the design promises, checked on every import (static, re-export and dynamic `import()`): the engine
// stands alone (engine + src-shared, never the window's IPC contract), only the app and the preload touch Electron,
// and src-shared depends on neither process.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');

/** Every .ts file under a folder of the repository, as a path relative to the root. */
function tsFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(folder, name).split('\\').join('/'));
}

/** One import of one file: the module as written, and for a relative one the repository path it points into. */
interface Import {
  file: string;
  module: string;
  target?: string;
}

function importsOf(file: string, text = readFileSync(join(ROOT, file), 'utf8')): Import[] {
  const { importedFiles } = ts.preProcessFile(text, true, true);
  return importedFiles.map(({ fileName: module }) =>
    module.startsWith('.')
      ? { file, module, target: relative(ROOT, resolve(ROOT, dirname(file), module)).split('\\').join('/') }
      : { file, module },
  );
}

const inside = (path: string | undefined, folder: string): boolean =>
  path !== undefined && (path === folder || path.startsWith(`${folder}/`));

const shown = (found: Import[]): string[] => found.map((i) => `${i.file} imports ${i.module}`);

const sources = ['src-main', 'src-shared', 'src-renderer'].flatMap(tsFiles);

describe('architecture', () => {
  it('finds the files and every kind of import', () => {
    expect(sources.length).toBeGreaterThan(100);
    const text = [
      "import { a } from './a';",
      "import type { B } from '../../../src-shared/b';",
      "export * from './c';",
      "import 'electron';",
      "const d = await import('../../store/d');",
    ].join('\n');
    expect(importsOf('src-main/engine/x/y.ts', text).map((i) => i.target ?? i.module)).toEqual([
      'src-main/engine/x/a',
      'src-shared/b',
      'src-main/engine/x/c',
      'electron',
      'src-main/store/d',
    ]);
  });

  it('the engine imports only the engine and src-shared, never the IPC contract', () => {
    const bad = sources
      .filter((f) => inside(f, 'src-main/engine'))
      .flatMap((f) => importsOf(f))
      .filter(
        (i) =>
          i.module === 'electron' ||
          (i.target !== undefined && !inside(i.target, 'src-main/engine') && !inside(i.target, 'src-shared')) ||
          inside(i.target, 'src-shared/ipc'),
      );
    expect(shown(bad)).toEqual([]);
  });

  it('only src-main/app and src-main/preload import electron', () => {
    const bad = sources
      .filter((f) => !inside(f, 'src-main/app') && !inside(f, 'src-main/preload'))
      .flatMap((f) => importsOf(f))
      .filter((i) => i.module === 'electron' || i.module.startsWith('electron/'));
    expect(shown(bad)).toEqual([]);
  });

  it('src-shared imports nothing from src-main or src-renderer', () => {
    const bad = sources
      .filter((f) => inside(f, 'src-shared'))
      .flatMap((f) => importsOf(f))
      .filter((i) => inside(i.target, 'src-main') || inside(i.target, 'src-renderer'));
    expect(shown(bad)).toEqual([]);
  });
});
