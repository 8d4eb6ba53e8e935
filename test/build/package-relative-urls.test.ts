// The build moves modules from src-main/<folder>/ into out/main/ and out/main/chunks/: a source's
// `new URL('../…', import.meta.url)` (recipes, the native addon, the window) must still reach the same file from there.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { packageRelativeUrls } from '../../electron.vite.config';

const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

type Transform = (code: string, id: string) => { code: string } | null;
type RenderChunk = (code: string, chunk: { fileName: string }) => { code: string } | null;

/** What the plugin makes of `source` in the file at `sourcePath`, once bundled into `chunkFile` under out/main. */
function bundle(source: string, sourcePath: string, chunkFile: string): string {
  const plugin = packageRelativeUrls() as unknown as { configResolved: (c: unknown) => void; transform: Transform; renderChunk: RenderChunk };
  plugin.configResolved({ root: ROOT, build: { outDir: 'out/main' } });
  const transformed = plugin.transform(source, `${ROOT}/${sourcePath}`)?.code ?? source;
  return plugin.renderChunk(transformed, { fileName: chunkFile })?.code ?? transformed;
}

/** The path a bundled `new URL("…", import.meta.url)` names when the chunk runs from out/main/<chunkFile>. */
function resolvedFrom(code: string, chunkFile: string): string {
  const path = /new URL\("([^"]+)", import\.meta\.url\)/.exec(code)?.[1];
  if (path === undefined) throw new Error(`no URL in ${code}`);
  return fileURLToPath(new URL(path, pathToFileURL(`${ROOT}/out/main/${chunkFile}`)));
}

describe('packageRelativeUrls', () => {
  it('points the native addon\'s build folder, from a chunk in out/main/chunks, at src-main/native/build', () => {
    const code = bundle("const buildDir = new URL('../../../native/build/', import.meta.url);", 'src-main/engine/backend/native/addon.ts', 'chunks/select-abc.js');
    expect(resolvedFrom(code, 'chunks/select-abc.js')).toBe(`${ROOT}/src-main/native/build/`);
  });

  it('points the built-in recipes, from an entry in out/main, at resources/recipes', () => {
    const code = bundle("fileURLToPath(new URL('../../../resources/recipes/', import.meta.url))", 'src-main/engine/train/recipe.ts', 'engine-host.js');
    expect(code).toContain('new URL("../../resources/recipes/", import.meta.url)');
    expect(resolvedFrom(code, 'engine-host.js')).toBe(`${ROOT}/resources/recipes/`);
  });

  it('leaves URLs inside the module\'s own folder to the bundle (the app finds its preload next to it)', () => {
    const source = "const here = fileURLToPath(new URL('.', import.meta.url));";
    expect(bundle(source, 'src-main/app/index.ts', 'index.js')).toBe(source);
  });
});
